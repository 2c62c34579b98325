using System.Collections.Concurrent;
using System.Diagnostics;

namespace Flasky.Tests.Performance;

/// <summary>
/// Every HTTP request this process sends to one emulator port, as "METHOD path", seen through .NET's own
/// <c>System.Net.Http</c> activities — so it counts what the Cosmos, AWS and Firestore clients really send, whichever
/// SDK it is, without touching them.
/// </summary>
internal sealed class EmulatorRequestLog : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _requests = new();

    public EmulatorRequestLog(int port)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("url.full") is string url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port == port)
                {
                    _requests.Enqueue($"{activity.GetTagItem("http.request.method")} {uri.AbsolutePath}");
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The requests sent while <paramref name="action"/> ran (and only those).</summary>
    public async Task<IReadOnlyList<string>> DuringAsync(Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _requests.Clear();
        await action();
        return [.. _requests];
    }

    public void Dispose() => _listener.Dispose();
}
