using System.Text.Json;
using System.Text.RegularExpressions;

namespace Flasky.Tests.Infrastructure;

/// <summary>
/// A Terraform root module (infra/aws, infra/gcp) parsed offline by infra/tools/hcl2json.mjs (HashiCorp's HCL parser
/// via npm @cdktf/hcl2json; the test build runs npm ci there). Terraform itself can't run here, so tests assert on the
/// configuration: every block body is a JSON object, nested blocks are lists, expressions are <c>"${...}"</c> strings.
/// </summary>
public abstract partial class TerraformModule : IAsyncLifetime
{
    private static readonly string Parser = RepositoryRoot.Combine("infra", "tools", "hcl2json.mjs");

    private JsonDocument? _document;
    private ToolRun _parse = new(-1, "", "not run");

    protected TerraformModule(string cloud) => Directory = RepositoryRoot.Combine("infra", cloud);

    public string Directory { get; }

    /// <summary>The whole module; fails the calling test with the parser's diagnostics when parsing failed.</summary>
    public JsonElement Root => _document?.RootElement
        ?? throw new InvalidOperationException($"hcl2json {Directory} failed:\n{_parse.Diagnostics}");

    public async Task InitializeAsync()
    {
        // A missing prerequisite is a failure that says what to install, never a skip.
        var node = ExternalTool.FindOnPath("node")
            ?? throw new InvalidOperationException("node is not on PATH: install Node.js 20 or later (the Terraform checks parse HCL with it).");
        if (!System.IO.Directory.Exists(RepositoryRoot.Combine("infra", "tools", "node_modules", "@cdktf", "hcl2json")))
        {
            throw new InvalidOperationException("infra/tools/node_modules is missing: build Flasky.Tests (it runs npm ci in infra/tools).");
        }

        _parse = await ExternalTool.RunAsync(node, [Parser, Directory]);
        if (_parse.ExitCode == 0)
        {
            _document = JsonDocument.Parse(_parse.StandardOutput);
        }
    }

    public Task DisposeAsync()
    {
        _document?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The raw text of one of the module's files (for the comments the configuration must carry).</summary>
    public string FileText(string file) => File.ReadAllText(Path.Combine(Directory, file));

    /// <summary>Resources of one type, by name (empty when there are none).</summary>
    public IReadOnlyDictionary<string, JsonElement> Resources(string type) => Labelled("resource", type);

    public JsonElement Resource(string type, string name) =>
        Resources(type).TryGetValue(name, out var body) ? body : throw new KeyNotFoundException($"no resource {type}.{name}");

    /// <summary>The one resource of a type (fails when there are none or several).</summary>
    public (string Name, JsonElement Body) SingleResource(string type)
    {
        var resource = Assert.Single(Resources(type));
        return (resource.Key, resource.Value);
    }

    public IEnumerable<string> ResourceTypes() =>
        Root.TryGetProperty("resource", out var resources) ? resources.EnumerateObject().Select(r => r.Name) : [];

    public JsonElement Data(string type, string name) => Labelled("data", type)[name];

    public JsonElement Variable(string name) => Single("variable", name);

    public JsonElement Output(string name) => Single("output", name);

    public IEnumerable<string> VariableNames() => Root.GetProperty("variable").EnumerateObject().Select(v => v.Name);

    /// <summary>The merged <c>locals</c> blocks.</summary>
    public JsonElement Local(string name) =>
        Root.GetProperty("locals").EnumerateArray().Select(l => l.TryGetProperty(name, out var v) ? v : default)
            .Single(v => v.ValueKind != JsonValueKind.Undefined);

    /// <summary>The provider's <c>required_providers</c> entry.</summary>
    public JsonElement RequiredProvider(string name) =>
        Root.GetProperty("terraform").EnumerateArray()
            .SelectMany(t => t.TryGetProperty("required_providers", out var p) ? p.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(p => p.TryGetProperty(name, out var v) ? v : default)
            .Single(v => v.ValueKind != JsonValueKind.Undefined);

    /// <summary>A nested block that must appear exactly once (<c>template { ... }</c>).</summary>
    public static JsonElement Block(JsonElement body, string name) =>
        body.TryGetProperty(name, out var blocks)
            ? Assert.Single(blocks.EnumerateArray())
            : throw new KeyNotFoundException($"no {name} block");

    /// <summary>A nested block that may repeat (<c>statement</c>, <c>env</c>); empty when absent.</summary>
    public static IReadOnlyList<JsonElement> Blocks(JsonElement body, string name) =>
        body.TryGetProperty(name, out var blocks) ? [.. blocks.EnumerateArray()] : [];

    public static string? Value(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) ? value.ToString() : null;

    public static IReadOnlyList<string> List(JsonElement body, string name) =>
        [.. body.GetProperty(name).EnumerateArray().Select(v => v.GetString()!)];

    /// <summary>
    /// Every object the module's expressions refer to (<c>var.x</c>, <c>local.x</c>, <c>data.t.n</c>, <c>t.n</c>),
    /// with where it is used, so a test can prove each one is declared.
    /// </summary>
    public IEnumerable<(string Address, string UsedIn)> References()
    {
        foreach (var (path, text) in StringValues(Root, ""))
        {
            foreach (Match interpolation in Interpolation().Matches(text))
            {
                // Attribute names after a dot (x.y.z) are not references; string literals inside are not either.
                var expression = StringLiteral().Replace(interpolation.Groups[1].Value, "\"\"");
                foreach (Match reference in Reference().Matches(expression))
                {
                    yield return (reference.Value, path);
                }
            }
        }
    }

    /// <summary>The addresses the module declares, in the form <see cref="References"/> yields them.</summary>
    public ISet<string> Declarations()
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in VariableNames())
        {
            declared.Add($"var.{name}");
        }

        if (Root.TryGetProperty("locals", out var locals))
        {
            foreach (var name in locals.EnumerateArray().SelectMany(l => l.EnumerateObject()).Select(p => p.Name))
            {
                declared.Add($"local.{name}");
            }
        }

        foreach (var (kind, prefix) in new[] { ("resource", ""), ("data", "data.") })
        {
            if (Root.TryGetProperty(kind, out var types))
            {
                foreach (var type in types.EnumerateObject())
                {
                    foreach (var name in type.Value.EnumerateObject())
                    {
                        declared.Add($"{prefix}{type.Name}.{name.Name}");
                    }
                }
            }
        }

        return declared;
    }

    private Dictionary<string, JsonElement> Labelled(string kind, string type) =>
        Root.TryGetProperty(kind, out var all) && all.TryGetProperty(type, out var byName)
            ? byName.EnumerateObject().ToDictionary(r => r.Name, r => Assert.Single(r.Value.EnumerateArray()))
            : new Dictionary<string, JsonElement>();

    private JsonElement Single(string kind, string name) =>
        Assert.Single(Root.GetProperty(kind).GetProperty(name).EnumerateArray());

    private static IEnumerable<(string Path, string Text)> StringValues(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return (path, element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var value in StringValues(property.Value, $"{path}/{property.Name}"))
                    {
                        yield return value;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var value in StringValues(item, path))
                    {
                        yield return value;
                    }
                }

                break;
        }
    }

    // hcl2json keeps every expression as one "${...}" string; nested braces (objects, for expressions) stay inside.
    [GeneratedRegex(@"\$\{(.*)\}", RegexOptions.Singleline)]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    // var.x, local.x, data.type.name, type.name (resource types are provider_thing) - not preceded by a dot or a word.
    [GeneratedRegex(@"(?<![\w.])(?:var\.\w+|local\.\w+|data\.[a-z0-9]+_\w+\.\w+|(?:aws|google)_\w+\.\w+)")]
    private static partial Regex Reference();
}

public sealed class AwsTerraform() : TerraformModule("aws");

public sealed class GcpTerraform() : TerraformModule("gcp");

[CollectionDefinition(Name)]
public sealed class SharedAwsTerraform : ICollectionFixture<AwsTerraform>
{
    public const string Name = "AWS Terraform";
}

[CollectionDefinition(Name)]
public sealed class SharedGcpTerraform : ICollectionFixture<GcpTerraform>
{
    public const string Name = "GCP Terraform";
}
