using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Flasky.Core.Names;
using Flasky.Core.Storage;
using Xunit.Abstractions;

namespace Flasky.Tests.Hosting;

/// <summary>Measures the process's memory, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>
/// The unpaged listing of 100,000 candidates through a Kestrel host streams: the process grows by at most 50 MB over
/// idle while the response (about 60 MB) goes out, and the client gets a complete, valid array holding each once.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class LargeListingTests(ITestOutputHelper output)
{
    private const long MaxGrowthBytes = 50L * 1024 * 1024;

    [Fact]
    public async Task Listing_100000_candidates_streams_a_complete_array_within_the_memory_bound()
    {
        var result = await ListThroughKestrelAsync(100_000);

        output.WriteLine($"100000 candidates: {result.Bytes / 1e6:F1} MB in {result.Elapsed.TotalSeconds:F2} s; working set +{result.Growth / 1e6:F1} MB over idle");
        Assert.True(result.Bytes > MaxGrowthBytes, "the response is too small to show that it is not buffered");
        Assert.True(result.Growth <= MaxGrowthBytes, $"the process grew by {result.Growth / 1e6:F1} MB (limit {MaxGrowthBytes / 1e6:F0} MB)");
    }

    [Fact]
    public async Task The_store_is_read_once_per_page_whatever_the_count()
    {
        // Work grows linearly: one store call per 1,000 candidates. (Times are reported, not asserted: the machine is shared.)
        foreach (var count in (int[])[25_000, 50_000, 100_000])
        {
            var result = await ListThroughKestrelAsync(count);
            output.WriteLine($"{count} candidates: {result.Elapsed.TotalMilliseconds:F0} ms, {result.Elapsed.TotalMilliseconds * 1000 / count:F1} µs each, {result.StoreCalls} store calls");
            Assert.Equal((count + 999) / 1000, result.StoreCalls);
        }
    }

    private static async Task<ListingResult> ListThroughKestrelAsync(int count)
    {
        var store = new GeneratedStore(count);
        await using var host = await KestrelApiHost.StartAsync(store, withManagementPort: false);
        using var client = KestrelApiHost.CreateClient(host.ApiAddress);
        client.Timeout = TimeSpan.FromMinutes(5);

        // Warm up (JIT, connection pool), then measure from an idle, collected heap.
        using (var warmUp = await client.GetAsync("/candidates?limit=1000"))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        store.Calls = 0;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var idle = process.WorkingSet64;
        var peak = idle;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(10, CancellationToken.None);
            }
        });

        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync("/candidates", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        await using var body = new CountingStream(await response.Content.ReadAsStreamAsync());
        var index = 0;

        // Element by element: the client keeps nothing either. A truncated or invalid array throws here.
        await foreach (var candidate in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(body))
        {
            Assert.Equal(GeneratedStore.NameOf(index), candidate.GetProperty("CandidateName").GetString());
            index++;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        await stopSampling.CancelAsync();
        await sampler;
        Assert.Equal(count, index);
        return new ListingResult(body.BytesRead, elapsed, peak - idle, store.Calls);
    }

    private sealed record ListingResult(long Bytes, TimeSpan Elapsed, long Growth, int StoreCalls);

    /// <summary>Candidates made up page by page, so the store itself holds none of them in memory.</summary>
    private sealed class GeneratedStore(int count) : ICandidateStore
    {
        private const string Prefix = "gen1:";
        private static readonly JsonElement Notes = JsonDocument.Parse(JsonSerializer.Serialize(new string('n', 500))).RootElement.Clone();

        public int Calls { get; set; }

        public static string NameOf(int index) => "candidate " + index.ToString("D6", CultureInfo.InvariantCulture);

        public Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken) => Task.FromResult<Candidate?>(null);

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
        {
            Calls++;
            var start = continuation is null ? 0 : int.Parse(continuation.AsSpan(Prefix.Length), CultureInfo.InvariantCulture);
            var end = Math.Min(count, start + maxItems);
            var items = new List<Candidate>(end - start);
            for (var i = start; i < end; i++)
            {
                var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { ["Notes"] = Notes };
                items.Add(new Candidate(CandidateName.FromDecoded(NameOf(i)).Name!, attributes));
            }

            return Task.FromResult(new CandidatePage(items, end < count ? Prefix + end.ToString(CultureInfo.InvariantCulture) : null));
        }

        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
