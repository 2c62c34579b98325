using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Flasky.LocalCloudRun;

/// <summary>
/// Sends the client's request target to the host byte for byte. YARP would rebuild it from Kestrel's decoded path,
/// which turns <c>/candidate/%2E</c> into a dot segment and re-encodes other bytes its own way; the API must decode
/// names exactly once, itself.
/// </summary>
internal sealed class RawTargetTransformer : HttpTransformer
{
    private static readonly UriCreationOptions Exact = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var rawTarget = httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(rawTarget) && rawTarget[0] == '/')
        {
            proxyRequest.RequestUri = new Uri(destinationPrefix.TrimEnd('/') + rawTarget, Exact);
        }
    }
}
