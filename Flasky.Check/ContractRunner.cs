using System.Diagnostics;
using System.Security.Cryptography;

namespace Flasky.Check;

/// <summary>Runs checks against one host. One runner is one run: one HTTP client and one run prefix.</summary>
public sealed class ContractRunner : IDisposable
{
    private readonly HttpClient _http;

    public ContractRunner(ContractTarget target, ContractRunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        Options = options ?? new ContractRunOptions();
        RunPrefix = Options.FixedNames ? FixedPrefix : $"{FixedPrefix}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-";
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = Options.RequestTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };

        // Each request has its own deadline (CheckContext); the client's own would surface as a different exception.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// The prefix of every name a run writes. With <see cref="ContractRunOptions.FixedNames"/> it is the whole prefix,
    /// so every run writes the same documented names (docs/contract-check.md) and overwrites the last run's.
    /// </summary>
    public const string FixedPrefix = "flasky-check-";

    public ContractTarget Target { get; }

    public ContractRunOptions Options { get; }

    public string RunPrefix { get; }

    public async Task<CheckOutcome> RunAsync(ContractCheck check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.CheckTimeout);
        var context = new CheckContext(_http, Target, Options, RunPrefix, deadline.Token);
        string? reason = null;
        try
        {
            await check.RunAsync(context).ConfigureAwait(false);
        }
        catch (CheckFailedException ex)
        {
            reason = ex.Message;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            reason = $"did not finish within {Options.CheckTimeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in the check itself, or a response it could not read: still one failed line, never a crash.
            reason = $"{ex.GetType().Name}: {ex.Message}";
        }

        return new CheckOutcome(check.Name, reason is null, reason is null ? null : Target.Authenticator.Redact(reason), stopwatch.Elapsed);
    }

    public void Dispose() => _http.Dispose();
}
