using Flasky.Core.Http;

namespace Flasky.Tests.Core;

public sealed class CoreDependencyTests
{
    private static readonly string[] CloudSdkPrefixes = ["Azure", "Microsoft.Azure", "AWSSDK", "Amazon", "Google", "Grpc"];

    [Fact]
    public void Core_references_no_cloud_sdk()
    {
        var references = typeof(CandidateApi).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Microsoft.Extensions.Logging.Abstractions", references);
        Assert.DoesNotContain(references, r => CloudSdkPrefixes.Any(p => r.StartsWith(p, StringComparison.OrdinalIgnoreCase)));
    }
}
