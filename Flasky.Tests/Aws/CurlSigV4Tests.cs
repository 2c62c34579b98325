using Flasky.Tests.Infrastructure;

namespace Flasky.Tests.Aws;

/// <summary>
/// <c>curl --aws-sigv4</c> against the local API Gateway and the real function, as the README tells users to call it.
/// </summary>
public sealed class CurlSigV4Tests(LambdaFrontFixture fixture) : IClassFixture<LambdaFrontFixture>
{
    [Theory]
    [InlineData("GET", "/gtg", null, "200")]
    [InlineData("GET", "/gtg?details=", null, "200")]
    [InlineData("POST", "/candidate/curl-{id}", """{"Role":"Engineer"}""", "200")]
    [InlineData("GET", "/candidate/curl-missing-{id}", null, "404")]
    [InlineData("GET", "/candidates?limit=1", null, "200")]
    public async Task A_request_curl_signed_passes(string method, string target, string? body, string expectedStatus)
    {
        var url = fixture.Front.BaseAddress + target.TrimStart('/').Replace("{id}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        if (target.StartsWith("/candidates", StringComparison.Ordinal))
        {
            // Something to list.
            Assert.Equal("200", await CurlAsync("POST", fixture.Front.BaseAddress + "candidate/curl-listed", "{}", LocalApiGatewayHost.SecretAccessKey));
        }

        Assert.Equal(expectedStatus, await CurlAsync(method, url, body, LocalApiGatewayHost.SecretAccessKey));
    }

    [Fact]
    public async Task A_request_curl_signed_with_the_wrong_secret_is_403() =>
        Assert.Equal("403", await CurlAsync("GET", fixture.Front.BaseAddress + "gtg", null, "not-the-secret"));

    private static async Task<string> CurlAsync(string method, string url, string? body, string secret)
    {
        Assert.True(
            ExternalTool.FindOnPath("curl") is not null,
            "curl is needed for this test (with --aws-sigv4, curl 7.75+): install it, e.g. 'sudo apt-get install curl'.");
        string[] arguments =
        [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30", "-X", method,
            "--aws-sigv4", $"aws:amz:{LocalApiGatewayHost.Region}:execute-api",
            "--user", $"{LocalApiGatewayHost.AccessKeyId}:{secret}",
            .. body is null ? [] : (string[])["-H", "Content-Type: application/json", "--data-binary", body],
            url,
        ];
        var run = await ExternalTool.RunAsync("curl", arguments, timeout: TimeSpan.FromSeconds(45));
        return run.StandardOutput.Trim();
    }
}
