using Aspire.Hosting.Testing;
using Flasky.LocalCloudRun;
using Flasky.Tests.Integration;

namespace Flasky.Tests.Gcp;

/// <summary>The GCP side of the running AppHost: the front's URL (the service URL) and tokens for it.</summary>
internal static class GcpAppHost
{
    public static Uri FrontEndpoint(this AppHostFixture fixture) => fixture.App.GetEndpoint(AppHostFixture.CloudRunFrontResource, "http");

    /// <summary>An ID token for the front, signed with the key the fixture gave the AppHost, as the token command mints it.</summary>
    public static string MintToken(this AppHostFixture fixture)
    {
        using var key = SigningKey.FromPkcs8Base64(fixture.TokenSigningKey);
        return IdTokens.Create(key, fixture.FrontEndpoint().ToString().TrimEnd('/'), DateTimeOffset.UtcNow, IdTokens.DefaultLifetime);
    }

    public static HttpClient CreateFrontClient(this AppHostFixture fixture, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = fixture.FrontEndpoint(), Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new("Bearer", fixture.MintToken());
        return client;
    }
}
