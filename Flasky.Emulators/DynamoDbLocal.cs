using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Flasky.Emulators;

/// <summary>
/// One run of <c>emulators/dynamodb/start.mjs</c> on the shared <see cref="EmulatorProcess"/>: DynamoDB Local in
/// memory, with the declared tables created, on a free port. DynamoDB Local cannot pick its own port, so a free one is
/// chosen first; if another process takes it in between, the script exits with code 3 and the next port is tried.
/// </summary>
public sealed partial class DynamoDbLocal : IAsyncDisposable
{
    private const int PortInUseExitCode = 3;

    private readonly EmulatorProcess _process;

    private DynamoDbLocal(EmulatorProcess process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>The script's PID (also the process group of the script and its JVM).</summary>
    public int ProcessId => _process.Id;

    public static string ScriptPath => Path.Combine(EmulatorPaths.RepositoryRoot, "emulators", "dynamodb", "start.mjs");

    public string Output => _process.Output;

    /// <param name="tables">Tables to create on start, as <c>Name=HashKeyAttribute</c>.</param>
    /// <param name="timeout">How long DynamoDB Local may take to answer (it is a JVM: seconds, more on a busy machine).</param>
    /// <param name="environment">Variables to set (or, with a null value, remove) for the script.</param>
    public static async Task<DynamoDbLocal> StartAsync(
        IEnumerable<string> tables, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var tableList = tables.ToList();
        environment ??= new Dictionary<string, string?>();
        for (var attempt = 1; ; attempt++)
        {
            // DynamoDB Local binds every interface, so the port must be free on all of them.
            var port = FreePorts.On(IPAddress.Any);
            try
            {
                var process = await EmulatorProcess.StartAsync(new EmulatorProcessOptions
                {
                    DisplayName = "DynamoDB Local",
                    Executable = "node",
                    InstallHint = "Install Node.js 20+ (the emulators run on it).",
                    Arguments = [ScriptPath, "--port", port.ToString(CultureInfo.InvariantCulture), "--exit-with-stdin",
                        "--start-timeout", ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                        .. tableList.SelectMany(table => (string[])["--table", table])],
                    Environment = environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!),
                    RemoveInherited = name => environment.TryGetValue(name, out var value) && value is null,
                    WorkingDirectory = Directory.GetCurrentDirectory(),
                    ReadyLine = ReadyLine(),
                    RedirectStandardInput = true,

                    // The script bounds its own wait; this one covers a script that hangs before it gets there.
                    StartTimeout = timeout + TimeSpan.FromSeconds(30),
                });
                return new DynamoDbLocal(process, new Uri($"http://127.0.0.1:{port}/"));
            }
            catch (EmulatorStartException ex) when (ex.ExitCode == PortInUseExitCode && attempt < 3)
            {
                // Another process took the port: try the next one.
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex("^dynamodb local listening on ")]
    private static partial Regex ReadyLine();
}
