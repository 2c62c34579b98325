using System.Text;
using System.Text.RegularExpressions;

namespace Flasky.Emulators;

/// <summary>
/// One run of <c>emulators/cosmos/server.mjs</c> (in memory, HTTPS, self-signed). It picks its own free port
/// (<c>--port 0</c>, reported in its ready line), which unlike probing a port first cannot race other processes.
/// </summary>
public sealed partial class CosmosServer : IAsyncDisposable
{
    /// <summary>The server checks no keys; the SDK only needs something base64.</summary>
    private static readonly string AnyKey = Convert.ToBase64String(Encoding.UTF8.GetBytes("the local cosmos server checks no keys"));

    private readonly EmulatorProcess _process;

    private CosmosServer(EmulatorProcess process)
    {
        _process = process;
        Endpoint = new Uri(process.ReadyMatch!.Groups["url"].Value);
    }

    public Uri Endpoint { get; }

    /// <summary>A key connection string whose certificate bypass the SDK applies itself (local server only).</summary>
    public string ConnectionString => $"AccountEndpoint={Endpoint};AccountKey={AnyKey};DisableServerCertificateValidation=True;";

    public string Output => _process.Output;

    /// <summary>The server's process (and process group) id.</summary>
    public int ProcessId => _process.Id;

    public static async Task<CosmosServer> StartAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var process = await EmulatorProcess.StartAsync(new EmulatorProcessOptions
        {
            DisplayName = "The local Cosmos DB server",
            Executable = "node",
            InstallHint = "Install Node.js 20+ and npm (apt-get install nodejs npm); the build installs the server's npm packages.",
            Arguments = [Path.Combine(EmulatorPaths.RepositoryRoot, "emulators", "cosmos", "server.mjs"), "--port", "0", "--exit-with-stdin", .. arguments],
            ReadyLine = ReadyLine(),
            StartTimeout = timeout,
            RedirectStandardInput = true,
        });
        return new CosmosServer(process);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"^cosmos server listening on (?<url>https://\S+)$")]
    private static partial Regex ReadyLine();
}
