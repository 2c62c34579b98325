using System.Text.RegularExpressions;
using Flasky.Emulators;

namespace Flasky.Tests.Azure;

/// <summary>
/// <c>dotnet Flasky.Functions.dll</c> as its own process on the shared <see cref="EmulatorProcess"/>, configured only
/// by environment variables, on a port it picks itself (<c>ASPNETCORE_URLS=http://127.0.0.1:0</c>, read back from its
/// "Now listening on" line), stopped by its PID and process group.
/// </summary>
internal sealed partial class LocalFunctionsProcess : IAsyncDisposable
{
    private readonly EmulatorProcess _process;

    private LocalFunctionsProcess(EmulatorProcess process) => _process = process;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public int ProcessId => _process.Id;

    public string Output => _process.Output;

    /// <summary>The app as the test run built it (the test project references it, so it is built first).</summary>
    public static string AppPath
    {
        get
        {
            var configuration = typeof(LocalFunctionsProcess).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepositoryRoot.Path, "Flasky.Functions", "bin", configuration, "net10.0", "Flasky.Functions.dll");
            Assert.True(File.Exists(path), $"{path} is missing: build Flasky.Functions ({configuration}) first");
            return path;
        }
    }

    /// <summary>Starts the app with exactly these settings (the test run's own Functions or OTLP settings removed).</summary>
    public static LocalFunctionsProcess Start(IReadOnlyDictionary<string, string> environment) =>
        new(EmulatorProcess.Launch(new EmulatorProcessOptions
        {
            DisplayName = "Flasky.Functions",
            Executable = "dotnet",
            InstallHint = "Install the .NET 10 SDK.",
            Arguments = [AppPath],
            RemoveInherited = inherited => inherited.StartsWith("FUNCTIONS_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("Functions__", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("FunctionKeys", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || inherited.StartsWith("WEBSITE_", StringComparison.OrdinalIgnoreCase)
                || inherited is "CandidateStore" or "AZURE_FUNCTIONS_ENVIRONMENT",
            Environment = new Dictionary<string, string>(environment)
            {
                ["ASPNETCORE_URLS"] = environment.GetValueOrDefault("ASPNETCORE_URLS", "http://127.0.0.1:0"),
                ["DOTNET_ENVIRONMENT"] = environment.GetValueOrDefault("DOTNET_ENVIRONMENT", "Production"),
            },
            WorkingDirectory = Directory.GetCurrentDirectory(),
            ReadyLine = ListeningLine(),
        }));

    /// <summary>Waits for the "Now listening on" line; fails with the process's output when it doesn't come.</summary>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        await _process.WaitUntilReadyAsync(timeout);
        BaseAddress = new Uri(_process.ReadyMatch!.Groups["url"].Value);
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code (fails with its output after the timeout).</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
