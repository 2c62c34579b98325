using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Flasky.Check;
using Flasky.Check.Auth;
using Flasky.LocalCloudRun;
using Flasky.Tests.Gcp;
using Flasky.Tests.Infrastructure;

namespace Flasky.Tests.Integration;

/// <summary>
/// The dashboard commands on each API resource, executed the way the dashboard does it (ResourceCommandService), on the
/// shared AppHost: the contract check passes with the resource's own credentials and reports "N passed, N failed", the
/// sample candidates are readable afterwards, and the curl command works once its variables are set — while no result
/// shows a secret.
/// </summary>
[Collection(AppHostTestGroup.Name)]
public sealed class DashboardCommandTests(AppHostFixture fixture)
{
    public static TheoryData<string> ApiResources =>
        [AppHostFixture.FunctionsResource, AppHostFixture.ApiGatewayResource, AppHostFixture.CloudRunFrontResource];

    [Theory]
    [MemberData(nameof(ApiResources))]
    public async Task Run_contract_check_passes_with_the_resources_credentials_and_logs_each_check(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(resource, ApiCommandExtensions.RunContractCheckCommand, timeout.Token);

        // Every check ran with the resource's own credentials (the auth checks included) and passed. Each check's line
        // goes to the command's resource logger (ContractRun; its lines are pinned with FakeLogger in CheckCliTests).
        if (!result.Success)
        {
            Assert.Fail($"{result.Message}; the first: {await FirstFailedCheckAsync(resource)}");
        }

        Assert.Equal($"{ContractSuite.All.Count} passed, 0 failed", result.Message);
        AssertNoSecret([result.Message!]);
    }

    /// <summary>The first failed check's line in the resource's log, so the test's own message says what failed.</summary>
    private async Task<string> FirstFailedCheckAsync(string resource)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await ResourceLogs.FirstLineAsync(fixture.App, resource, line => line.Contains('✗', StringComparison.Ordinal), wait.Token);
        }
        catch (OperationCanceledException)
        {
            return "(no failed check's line in the log within 10 s)";
        }
    }

    [Theory]
    [MemberData(nameof(ApiResources))]
    public async Task Add_sample_candidates_writes_candidates_that_read_back(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(resource, ApiCommandExtensions.AddSampleCandidatesCommand, timeout.Token);

        Assert.True(result.Success, result.Message);
        Assert.StartsWith($"Added {ApiCommandExtensions.SampleCandidates.Count} sample candidates", result.Message, StringComparison.Ordinal);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (name, attributes) in ApiCommandExtensions.SampleCandidates)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Endpoint(resource), CheckContext.CandidatePath(name)));
            await Credentials(resource).AuthenticateAsync(request, timeout.Token);
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            Assert.True(200 == (int)response.StatusCode, $"GET {name}: {(int)response.StatusCode} {body}");
            using var read = System.Text.Json.JsonDocument.Parse(body);
            using var expected = System.Text.Json.JsonDocument.Parse(attributes);
            var candidate = Assert.Single(read.RootElement.EnumerateArray().ToList());
            Assert.Equal(name, candidate.GetProperty("CandidateName").GetString());
            Assert.Equal(expected.RootElement.GetProperty("Role").GetString(), candidate.GetProperty("Role").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(ApiResources))]
    public async Task Copy_a_curl_command_shows_one_that_works_without_ever_showing_the_credentials(string resource)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var samples = await fixture.App.ResourceCommands.ExecuteCommandAsync(resource, ApiCommandExtensions.AddSampleCandidatesCommand, timeout.Token);
        Assert.True(samples.Success, samples.Message); // so the listing the curl command asks for is not empty (404)

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync(resource, ApiCommandExtensions.CurlCommand, timeout.Token);

        Assert.True(result.Success, result.Message);
        var shown = result.Data?.Value ?? "";
        Assert.Contains("dotnet", shown, StringComparison.Ordinal);
        var curl = shown.Split('\n').Single(l => l.StartsWith("curl ", StringComparison.Ordinal));
        AssertNoSecret([shown, result.Message ?? ""]);

        // The curl line itself, with the variables the lines before it would have read from user secrets.
        var run = await ExternalTool.RunAsync("bash", ["-c", curl], CurlVariables(resource), TimeSpan.FromMinutes(1), timeout.Token);
        Assert.True(run.ExitCode == 0, run.Diagnostics);
        Assert.StartsWith("HTTP/1.1 200", run.StandardOutput, StringComparison.Ordinal);
    }

    private Uri Endpoint(string resource) => fixture.App.GetEndpoint(resource, "http");

    private IRequestAuthenticator Credentials(string resource) => resource switch
    {
        AppHostFixture.FunctionsResource => FunctionKeyAuthenticator.WithKey(fixture.FunctionKey),
        AppHostFixture.ApiGatewayResource => SigV4Authenticator.WithCredentials(LocalApiGatewayExtensions.Region, fixture.AwsAccessKeyId, fixture.AwsSecretAccessKey),
        _ => IdTokenAuthenticator.WithToken(fixture.MintToken()),
    };

    private Dictionary<string, string> CurlVariables(string resource) => resource switch
    {
        AppHostFixture.FunctionsResource => new() { ["KEY"] = fixture.FunctionKey },
        AppHostFixture.ApiGatewayResource => new() { ["AWS_ACCESS_KEY_ID"] = fixture.AwsAccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = fixture.AwsSecretAccessKey },
        _ => new() { ["TOKEN"] = fixture.MintToken() },
    };

    private void AssertNoSecret(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            Assert.DoesNotContain(fixture.FunctionKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.AwsSecretAccessKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.TokenSigningKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal); // no JWT (ID token) either
        }
    }
}
