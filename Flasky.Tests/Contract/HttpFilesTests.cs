using System.Text.RegularExpressions;
using Flasky.Core.Http;

namespace Flasky.Tests.Contract;

/// <summary>
/// The .http files under http/: each covers every route and method of Core's route table and the paging walk, and
/// none holds a credential — only variable references where a key, signature or token goes.
/// </summary>
public sealed partial class HttpFilesTests
{
    public static TheoryData<string, string> Files => new()
    {
        { "functions.http", "x-functions-key" },
        { "apigateway.http", "Authorization: AWS" },
        { "cloudrun.http", "Authorization: Bearer" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_route_and_method_and_the_paging_walk_are_covered(string file, string credentialHeader)
    {
        _ = credentialHeader;
        var requests = Requests(file);

        foreach (var route in Enum.GetValues<ApiRoute>().Where(r => r != ApiRoute.None))
        {
            foreach (var method in ApiRoutes.AllowedMethods(route))
            {
                Assert.True(
                    requests.Any(r => r.Method == method && ApiRoutes.Match(r.Path, out _) == route),
                    $"{file} has no {method} request for the {route} route");
            }
        }

        Assert.Contains(requests, r => r.Path == "/gtg" && r.Query.StartsWith("details", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Path == "/candidates" && r.Query == "limit=2");
        Assert.Contains(requests, r => r.Path == "/candidates" && r.Query == "limit=2&next={{next}}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Credentials_are_only_variable_references(string file, string credentialHeader)
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine("http", file));

        var credentialLines = lines.Where(l => l.StartsWith(credentialHeader, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(credentialLines);
        Assert.All(credentialLines, l => Assert.Matches(CredentialLine(), l));
        Assert.All(lines.Where(l => l.Contains("code=", StringComparison.Ordinal)), l => Assert.Contains("code={{functionKey}}", l, StringComparison.Ordinal));

        // The variables themselves come from the environment, never a literal.
        var secrets = lines.Where(l => SecretVariable().IsMatch(l)).ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, l => Assert.Matches(@"= \{\{\$processEnv [A-Z_]+\}\}$", l));
    }

    [Fact]
    public void The_committed_environment_file_holds_no_credentials()
    {
        var text = File.ReadAllText(RepositoryRoot.Combine("http", "http-client.env.json"));
        Assert.DoesNotMatch("(?i)key|secret|token", text);
    }

    private static List<(string Method, string Path, string Query)> Requests(string file) =>
        File.ReadAllLines(RepositoryRoot.Combine("http", file))
            .Select(l => RequestLine().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups["method"].Value, m.Groups["path"].Value, m.Groups["query"].Value))
            .ToList();

    [GeneratedRegex(@"^(?<method>GET|POST|PUT|PATCH|DELETE) \{\{baseUrl\}\}(?<path>[^?\s]+)(\?(?<query>\S*))?$")]
    private static partial Regex RequestLine();

    // A header whose every value is a {{variable}} or a fixed word of the scheme (AWS, Bearer, region:…, service:…).
    [GeneratedRegex(@"^[A-Za-z-]+: (AWS |Bearer )?\{\{[A-Za-z]+\}\}( \{\{[A-Za-z]+\}\})?( region:[a-z0-9-]+ service:execute-api)?$")]
    private static partial Regex CredentialLine();

    [GeneratedRegex(@"^@(functionKey|accessKeyId|secretAccessKey|idToken) *=")]
    private static partial Regex SecretVariable();
}
