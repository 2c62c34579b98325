using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Flasky.Tests.Aws;

/// <summary>HTTP clients that sign with AWSSDK.Core's own SigV4 handler, optionally changing each request after signing.</summary>
internal static class SigV4Clients
{
    public static AWSSigV4Parameters Parameters(string accessKeyId, string secret, string region, string service = "execute-api", DateTime? signedAt = null) => new()
    {
        Credentials = new BasicAWSCredentials(accessKeyId, secret),
        Region = RegionEndpoint.GetBySystemName(region),
        Service = service,
        SignedAt = signedAt,
    };

    /// <summary>A client for <paramref name="baseAddress"/>; <paramref name="afterSigning"/> runs on each request after the signer, just before it is sent.</summary>
    public static HttpClient Create(Uri baseAddress, AWSSigV4Parameters parameters, TimeSpan timeout, Action<HttpRequestMessage>? afterSigning = null)
    {
        HttpMessageHandler transport = new SocketsHttpHandler();
        if (afterSigning is not null)
        {
            transport = new AfterSigningHandler(afterSigning, transport);
        }

        return new HttpClient(new SigV4SigningHandler(parameters, transport)) { BaseAddress = baseAddress, Timeout = timeout };
    }

    private sealed class AfterSigningHandler(Action<HttpRequestMessage> change, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            change(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
