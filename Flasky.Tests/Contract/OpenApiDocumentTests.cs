using Flasky.Core.Http;
using Flasky.Core.Storage;
using Flasky.Tests.Core;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;

namespace Flasky.Tests.Contract;

/// <summary>
/// docs/openapi.yaml against Core: the same routes with the same methods (ApiRoutes), and for each operation exactly
/// the statuses Core answers (observed by driving CandidateApi through every outcome), with the documented content
/// types; 405 with Allow for every other method. 401 and 403 are the clouds' fronts', documented on every operation.
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string DocumentPath = RepositoryRoot.Combine("docs", "openapi.yaml");

    /// <summary>Statuses no Flasky code answers: the cloud's authentication in front of every route.</summary>
    private static readonly int[] FrontStatuses = [401, 403];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task The_document_is_valid_OpenAPI_3_1()
    {
        var (document, diagnostic) = await LoadAsync(await File.ReadAllTextAsync(DocumentPath));

        Assert.Empty(diagnostic!.Errors.Select(e => e.ToString()));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Equal(["functionKeyHeader", "functionKeyQuery", "idToken", "sigv4"], document!.Components!.SecuritySchemes!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_same_text_as_OpenAPI_3_0_has_no_errors_so_API_Gateway_can_import_it()
    {
        var text = (await File.ReadAllTextAsync(DocumentPath)).Replace("openapi: 3.1.0", "openapi: 3.0.3", StringComparison.Ordinal);

        var (_, diagnostic) = await LoadAsync(text);

        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, diagnostic!.SpecificationVersion);
        Assert.Empty(diagnostic.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task Routes_and_methods_are_Cores_route_table()
    {
        var document = await LoadDocumentAsync();

        var documented = document.Paths.ToDictionary(
            p => p.Key,
            p => p.Value.Operations!.Keys.Select(m => m.Method).Order(StringComparer.Ordinal).ToList());
        var core = Routes().ToDictionary(r => r.Template, r => ApiRoutes.AllowedMethods(r.Route).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(core.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (template, methods) in core)
        {
            Assert.Equal(methods, documented[template]);
        }
    }

    [Fact]
    public async Task Each_operation_documents_exactly_the_statuses_core_answers_with_their_content_types()
    {
        var document = await LoadDocumentAsync();
        var observed = await ObserveAsync();

        foreach (var (template, path) in document.Paths)
        {
            foreach (var (method, operation) in path.Operations!)
            {
                var documented = operation.Responses!.Keys.Select(int.Parse).Except(FrontStatuses).Order().ToList();
                var answered = observed.Where(o => o.Template == template && o.Method == method.Method).Select(o => o.Response.StatusCode).Distinct().Order().ToList();
                Assert.True(documented.SequenceEqual(answered), $"{method} {template}: documented {string.Join(", ", documented)}; Core answers {string.Join(", ", answered)}");
                Assert.All(FrontStatuses, s => Assert.True(operation.Responses.ContainsKey(s.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{method} {template} must document the fronts' {s}"));

                foreach (var (_, _, response) in observed.Where(o => o.Template == template && o.Method == method.Method && o.Response.Body.Length > 0))
                {
                    var content = operation.Responses[response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)].Content;
                    var mediaType = response.ContentType!.Split(';')[0].Trim();
                    Assert.True(
                        content is not null && content.ContainsKey(mediaType),
                        $"{method} {template} {response.StatusCode}: Core answers {response.ContentType}, documented {string.Join(", ", content?.Keys ?? [])}");
                }
            }
        }
    }

    [Fact]
    public async Task Every_other_method_is_405_with_the_documented_Allow_header()
    {
        var document = await LoadDocumentAsync();
        var allow = document.Components!.Responses!["MethodNotAllowed"].Headers!["Allow"].Schema!.Enum!.Select(e => e!.GetValue<string>()).ToList();
        var host = new ApiTestHost();

        foreach (var (route, template) in Routes())
        {
            foreach (var method in Methods.Except(ApiRoutes.AllowedMethods(route)))
            {
                var response = await host.SendAsync(method, template.Replace("{name}", "x", StringComparison.Ordinal));
                Assert.Equal(405, response.StatusCode);
                Assert.Contains(response.Header("Allow"), allow);
                Assert.Equal("application/problem+json", response.ContentType);
            }
        }
    }

    /// <summary>Every route of Core with the template the document uses; a new ApiRoute fails here until it is added.</summary>
    private static IEnumerable<(ApiRoute Route, string Template)> Routes() =>
        Enum.GetValues<ApiRoute>().Where(r => r != ApiRoute.None).Select(r => (r, "/" + (r switch
        {
            ApiRoute.Gtg => ApiRoutes.Gtg,
            ApiRoute.Candidate => ApiRoutes.Candidate,
            ApiRoute.Candidates => ApiRoutes.Candidates,
            _ => throw new InvalidOperationException($"ApiRoute.{r} has no template here: add it, and to docs/openapi.yaml"),
        })));

    /// <summary>Drives Core through every outcome it has, with a healthy, an unavailable and a broken store.</summary>
    private static async Task<List<(string Template, string Method, ApiResponse Response)>> ObserveAsync()
    {
        var healthy = new ApiTestHost();
        var empty = new ApiTestHost();
        var unavailable = new ApiTestHost(new CandidateApiTests.FailingStore(new CandidateStoreUnavailableException("down")));
        var broken = new ApiTestHost(new CandidateApiTests.FailingStore(new InvalidOperationException("broken")));
        var observed = new List<(string, string, ApiResponse)>();
        async Task See(ApiTestHost host, string template, string method, string target, string? contentType = null, string? body = null) =>
            observed.Add((template, method, await host.SendAsync(method, target, contentType, body)));

        const string gtg = "/gtg", candidate = "/candidate/{name}", candidates = "/candidates";
        foreach (var host in new[] { healthy, unavailable, broken })
        {
            await See(host, gtg, "GET", "/gtg");
            await See(host, gtg, "GET", "/gtg?details");
            await See(host, candidate, "POST", "/candidate/x", "application/json", """{"a":1}""");
            await See(host, candidate, "GET", "/candidate/x");
            await See(host, candidates, "GET", "/candidates");
            await See(host, candidates, "GET", "/candidates?limit=1");
        }

        await See(empty, candidates, "GET", "/candidates");
        await See(empty, candidates, "GET", "/candidates?limit=5");
        await See(healthy, candidate, "GET", "/candidate/nobody");
        await See(healthy, candidate, "GET", "/candidate/a%2Fb");
        await See(healthy, candidate, "POST", "/candidate/a%2Fb");
        await See(healthy, candidate, "POST", "/candidate/y", "application/json", "[1]");
        await See(healthy, candidate, "POST", "/candidate/y", "application/json", "{\"pad\":\"" + new string('x', 17_000) + "\"}");
        await See(healthy, candidate, "POST", "/candidate/y", "application/x-www-form-urlencoded", "test");
        await See(healthy, candidates, "GET", "/candidates?limit=0");
        await See(healthy, candidates, "GET", "/candidates?limit=1&next=not-a-token");
        return observed;
    }

    private static async Task<OpenApiDocument> LoadDocumentAsync()
    {
        var (document, diagnostic) = await LoadAsync(await File.ReadAllTextAsync(DocumentPath));
        Assert.Empty(diagnostic!.Errors.Select(e => e.ToString()));
        return document!;
    }

    private static async Task<ReadResult> LoadAsync(string yaml)
    {
        var settings = new OpenApiReaderSettings();
        settings.TryAddReader(OpenApiConstants.Yaml, new OpenApiYamlReader());
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(yaml));
        return await OpenApiDocument.LoadAsync(stream, OpenApiConstants.Yaml, settings);
    }
}
