using System.Security.Cryptography;

namespace Flasky.CloudRun;

/// <summary>
/// The instance id for <c>/gtg?details</c>. Cloud Run's own instance id comes only from the metadata server
/// (<c>/computeMetadata/v1/instance/id</c>), which does not exist outside Google's network and would cost a request
/// at start-up; instead the id is the revision Cloud Run sets in <c>K_REVISION</c> plus a random suffix drawn once per
/// process, which is unique per instance (one process per instance) and says which deployment served the request.
/// </summary>
public static class CloudRunInstance
{
    private static readonly string ProcessSuffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string Id(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var revision = environment("K_REVISION");
        return string.IsNullOrWhiteSpace(revision)
            ? $"{Environment.MachineName}-{ProcessSuffix}"
            : $"{revision.Trim()}-{ProcessSuffix}";
    }
}
