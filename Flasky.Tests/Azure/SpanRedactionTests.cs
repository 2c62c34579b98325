using System.Diagnostics;

namespace Flasky.Tests.Azure;

/// <summary>
/// Runs alone: every in-process app's tracer provider instruments the process-wide ASP.NET Core activity source, so
/// another app running at the same time would redact these spans with its own settings and hide a leak.
/// </summary>
[Collection(nameof(SpanRedactionTests))]
[CollectionDefinition(nameof(SpanRedactionTests), DisableParallelization = true)]
public sealed class SpanRedactionTests
{
    [Fact]
    public async Task Keys_in_the_query_never_reach_the_exported_spans()
    {
        // Aspire switches OpenTelemetry's own query redaction off for its resources; reproduce that for the whole test
        // (the instrumentation reads the variable lazily). No other test depends on that redaction.
        const string disableRedaction = "OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION";
        Environment.SetEnvironmentVariable(disableRedaction, "true");
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        try
        {
            await using var app = await LocalFunctionsApp.StartAsync();

            // Registered after the app's tracer provider, so it sees each span after the provider's processors ran.
            using var listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                    ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = spans.Enqueue,
            };
            ActivitySource.AddActivityListener(listener);
            using var client = app.CreateClient();
            // details=yes: OpenTelemetry's own redaction would hide every value (details=Redacted); only the product's
            // processor keeps the harmless ones, so this span shows which of the two ran.
            await client.GetAsync(new Uri($"/gtg?details=yes&code={LocalFunctionsApp.HostKey}", UriKind.Relative));
            await client.GetAsync(new Uri("/gtg?code=span-test-wrong-key", UriKind.Relative));
        }
        finally
        {
            Environment.SetEnvironmentVariable(disableRedaction, null);
        }

        var queries = spans.Select(s => s.GetTagItem("url.query") as string).OfType<string>().ToList();
        Assert.Contains("?details=yes&code=Redacted", queries);
        Assert.Contains("?code=Redacted", queries);
        Assert.DoesNotContain(queries, q => q.Contains(LocalFunctionsApp.HostKey, StringComparison.Ordinal));
        Assert.DoesNotContain(queries, q => q.Contains("span-test-wrong-key", StringComparison.Ordinal));
    }
}
