namespace Flasky.Functions.LocalHost;

/// <summary>Tells whether an Azure Functions host started this process.</summary>
internal static class FunctionsHostDetection
{
    public static bool IsUnderFunctionsHost(string[] args, Func<string, string?> environment)
    {
        // Azure's placeholder mode starts the worker natively, with none of the usual markers set yet.
        if (AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null)
        {
            return true;
        }

        if (!string.IsNullOrEmpty(environment("FUNCTIONS_WORKER_RUNTIME"))
            || !string.IsNullOrEmpty(environment("Functions__Worker__HostEndpoint"))
            || !string.IsNullOrEmpty(environment("Functions:Worker:HostEndpoint")))
        {
            return true;
        }

        return args.Any(a =>
            a.StartsWith("--functions-uri", StringComparison.OrdinalIgnoreCase)
            || a.StartsWith("--workerId", StringComparison.OrdinalIgnoreCase)
            || a.StartsWith("--functions-worker-id", StringComparison.OrdinalIgnoreCase));
    }
}
