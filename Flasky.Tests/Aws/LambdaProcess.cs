using Flasky.Emulators;


namespace Flasky.Tests.Aws;

/// <summary>
/// Flasky.Lambda in its local mode, in a process of its own (as Lambda runs a function) on the shared
/// <see cref="EmulatorProcess"/>, polling the given Runtime API. Stopped by its PID and process group on dispose, also
/// when a test failed.
/// </summary>
internal sealed class LambdaProcess : IAsyncDisposable
{
    private readonly EmulatorProcess _process;

    private LambdaProcess(EmulatorProcess process) => _process = process;

    public string Output => _process.Output;

    /// <summary>Whether the function's process has ended (a fault run proves that none did).</summary>
    public bool HasExited => _process.HasExited;

    public static LambdaProcess Start(string runtimeApi, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi,
            ["AWS_LAMBDA_LOG_STREAM_NAME"] = "2026/11/30/[$LATEST]" + Guid.NewGuid().ToString("N"),
            ["CandidateStore"] = "InMemory",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        // Polling the Runtime API is all it does: it is ready as soon as it runs.
        return new LambdaProcess(EmulatorProcess.Launch(new EmulatorProcessOptions
        {
            DisplayName = "Flasky.Lambda (local mode)",
            Executable = "dotnet",
            InstallHint = "Install the .NET 10 SDK.",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "Flasky.Lambda.dll")],
            RemoveInherited = name => name.StartsWith("OTEL_", StringComparison.Ordinal) || name.StartsWith("AWS_", StringComparison.Ordinal),
            Environment = settings,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        }));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
