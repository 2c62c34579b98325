using Flasky.Core.Names;
using Flasky.Core.Storage;
using Flasky.Core.Storage.Resilience;
using Flasky.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Flasky.Tests.Core;

/// <summary>
/// The budget and the circuit breaker every host puts around its store. No wall-clock speed is asserted: every wait is
/// bounded generously, and what is checked is what happened (a 503-worthy exception, how often the store was called).
/// </summary>
public sealed class ResilientCandidateStoreTests
{
    private static readonly CandidateName Name = CandidateName.FromPathSegment("Jane").Name!;

    private static readonly CandidateStoreResilienceOptions Fast = new()
    {
        CallTimeout = TimeSpan.FromMilliseconds(300),
        PingTimeout = TimeSpan.FromMilliseconds(300),
        BreakDuration = TimeSpan.FromMilliseconds(600),
        FirstCallTimeout = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task A_store_that_never_answers_and_ignores_cancellation_is_unavailable_after_the_budget()
    {
        var store = new ScriptedStore { Hang = true, IgnoreCancellation = true };
        var resilient = new ResilientCandidateStore(store, Fast);

        var call = resilient.GetAsync(Name, CancellationToken.None);
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(call, finished);
        var ex = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => call);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task Until_the_store_has_answered_once_calls_get_the_longer_first_call_budget()
    {
        var store = new ScriptedStore { Delay = TimeSpan.FromSeconds(2) };
        var resilient = new ResilientCandidateStore(store, Fast with { CallTimeout = TimeSpan.FromMilliseconds(100), FirstCallTimeout = TimeSpan.FromSeconds(60) });

        // Cold: a 2 s answer is waited for.
        await resilient.GetAsync(Name, CancellationToken.None);

        // Warm: the same 2 s is over the 100 ms budget.
        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task Each_kind_of_call_gets_the_first_call_budget_until_it_has_answered_once()
    {
        var store = new ScriptedStore();
        var resilient = new ResilientCandidateStore(store, Fast with { CallTimeout = TimeSpan.FromMilliseconds(100), FirstCallTimeout = TimeSpan.FromSeconds(60) });
        await resilient.GetAsync(Name, CancellationToken.None);
        await resilient.ListAsync(null, 2, CancellationToken.None);
        store.Delay = TimeSpan.FromSeconds(2);

        // A query resumed from a continuation token runs an SDK path of its own: its first 2 s answer is waited for.
        await resilient.ListAsync("token", 2, CancellationToken.None);

        // Then it is warm, as point reads already were: the same 2 s is over the 100 ms budget.
        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.ListAsync("token", 2, CancellationToken.None));
        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task Once_the_store_is_known_to_be_down_calls_are_refused_without_reaching_it()
    {
        // A long break: on a loaded machine a short one could end between the calls below.
        var options = Fast with { BreakDuration = TimeSpan.FromSeconds(60) };
        var store = new ScriptedStore { Failure = () => new CandidateStoreUnavailableException("down") };
        var resilient = new ResilientCandidateStore(store, options);

        for (var i = 0; i < options.MinimumThroughput; i++)
        {
            await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
        }

        Assert.Equal(CircuitState.Open, resilient.CircuitState);
        var calls = store.Calls;
        var refused = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.UpsertAsync(Candidate.WithoutAttributes(Name), CancellationToken.None));
        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.PingAsync(CancellationToken.None));

        Assert.Equal(calls, store.Calls);
        Assert.NotNull(refused.RetryAfter);
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), options.BreakDuration);
    }

    [Fact]
    public async Task After_the_break_one_successful_call_closes_the_circuit()
    {
        var store = new ScriptedStore { Failure = () => new CandidateStoreUnavailableException("down") };
        var resilient = new ResilientCandidateStore(store, Fast);
        for (var i = 0; i < Fast.MinimumThroughput; i++)
        {
            await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
        }

        store.Failure = null;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await resilient.GetAsync(Name, limit.Token);
                break;
            }
            catch (CandidateStoreUnavailableException)
            {
                await Task.Delay(50, limit.Token);
            }
        }

        Assert.Equal(CircuitState.Closed, resilient.CircuitState);
    }

    [Fact]
    public async Task An_upsert_is_attempted_once_however_it_fails()
    {
        var store = new ScriptedStore { Failure = () => new CandidateStoreUnavailableException("throttled", TimeSpan.FromSeconds(2), null) };
        var resilient = new ResilientCandidateStore(store, Fast);

        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.UpsertAsync(Candidate.WithoutAttributes(Name), CancellationToken.None));

        Assert.Equal(1, store.Calls);
    }

    [Fact]
    public async Task A_connection_that_breaks_where_the_store_did_not_expect_it_is_an_unavailability()
    {
        var store = new ScriptedStore { Failure = () => new InvalidOperationException("wrapped", new IOException("The response ended prematurely.")) };
        var resilient = new ResilientCandidateStore(store, Fast);

        await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
    }

    [Fact]
    public async Task While_open_the_refusal_carries_the_stores_own_later_retry_hint()
    {
        var store = new ScriptedStore { Failure = () => new CandidateStoreUnavailableException("throttled", TimeSpan.FromSeconds(7), null) };
        var resilient = new ResilientCandidateStore(store, Fast);
        for (var i = 0; i < Fast.MinimumThroughput; i++)
        {
            var ex = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
            Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        }

        var refused = await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.GetAsync(Name, CancellationToken.None));
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task Pings_that_time_out_never_open_the_circuit()
    {
        var store = new ScriptedStore { Hang = true };
        var resilient = new ResilientCandidateStore(store, Fast);

        for (var i = 0; i < Fast.MinimumThroughput * 2; i++)
        {
            await Assert.ThrowsAsync<CandidateStoreUnavailableException>(() => resilient.PingAsync(CancellationToken.None));
        }

        Assert.Equal(CircuitState.Closed, resilient.CircuitState);
    }

    [Fact]
    public async Task Other_failures_and_the_callers_cancellation_pass_through_unchanged()
    {
        var store = new ScriptedStore { Failure = () => new InvalidContinuationException("bad") };
        var resilient = new ResilientCandidateStore(store, Fast);
        for (var i = 0; i < Fast.MinimumThroughput * 2; i++)
        {
            await Assert.ThrowsAsync<InvalidContinuationException>(() => resilient.ListAsync("x", 5, CancellationToken.None));
        }

        Assert.Equal(CircuitState.Closed, resilient.CircuitState);
        store.Failure = null;
        store.Hang = true;
        using var cancelled = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resilient.GetAsync(Name, cancelled.Token));
    }

    [Fact]
    public void Every_host_gets_the_resilient_store_with_the_configured_budget()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CandidateStore"] = "InMemory",
            ["StoreResilience:CallTimeout"] = "00:00:02.5",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddCandidateApi(configuration, [], api => api.InstanceId = "test");
        using var provider = services.BuildServiceProvider();

        Assert.IsType<ResilientCandidateStore>(provider.GetRequiredService<ICandidateStore>());
        Assert.Equal(TimeSpan.FromMilliseconds(2500), provider.GetRequiredService<CandidateStoreResilienceOptions>().CallTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), provider.GetRequiredService<CandidateStoreResilienceOptions>().PingTimeout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("soon")]
    [InlineData("-00:00:01")]
    public void A_budget_that_is_not_a_positive_duration_is_a_startup_error(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StoreResilience:BreakDuration"] = value,
        }).Build();

        var ex = Assert.Throws<InvalidOperationException>(() => CandidateStoreResilienceOptions.FromConfiguration(configuration));
        Assert.Contains("StoreResilience:BreakDuration", ex.Message, StringComparison.Ordinal);
    }

    private sealed class ScriptedStore : ICandidateStore
    {
        private int _calls;

        public Func<Exception>? Failure { get; set; }

        public bool Hang { get; set; }

        public bool IgnoreCancellation { get; set; }

        public TimeSpan Delay { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public async Task<Candidate?> GetAsync(CandidateName name, CancellationToken cancellationToken)
        {
            await CallAsync(cancellationToken);
            return null;
        }

        public Task UpsertAsync(Candidate candidate, CancellationToken cancellationToken) => CallAsync(cancellationToken);

        public async Task<CandidatePage> ListAsync(string? continuation, int maxItems, CancellationToken cancellationToken)
        {
            await CallAsync(cancellationToken);
            return new CandidatePage([], null);
        }

        public Task PingAsync(CancellationToken cancellationToken) => CallAsync(cancellationToken);

        private async Task CallAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (Hang)
            {
                await Task.Delay(TimeSpan.FromMinutes(5), IgnoreCancellation ? CancellationToken.None : cancellationToken);
            }

            if (Failure is { } failure)
            {
                throw failure();
            }
        }
    }
}
