namespace Flasky.Core.Http;

public sealed class CandidateApiOptions
{
    /// <summary>Identifies the serving instance in <c>/gtg?details</c>: the cloud's instance id, else the host name.</summary>
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>Sent as <c>Retry-After</c> on a 503 when the store gave no hint of its own.</summary>
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many candidates to ask the store for at once when a listing has no <c>limit</c>.</summary>
    public int StorePageSize { get; set; } = 1000;

    /// <summary>Returns the cloud's instance id from the environment variables its platform sets, else the host name.</summary>
    public static string ResolveInstanceId(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string[] platformVariables =
        [
            "WEBSITE_INSTANCE_ID", // Azure App Service / Functions
            "AWS_LAMBDA_LOG_STREAM_NAME", // one per Lambda execution environment
            "CLOUD_RUN_EXECUTION", // Cloud Run jobs; services use the metadata server, not reachable offline
        ];
        foreach (var variable in platformVariables)
        {
            var value = environment(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return Environment.MachineName;
    }
}
