using Flasky.Functions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Flasky.Tests.Azure;

/// <summary>The Functions app in its local host mode, in-process on a free loopback port.</summary>
internal sealed class LocalFunctionsApp : IAsyncDisposable
{
    public const string MasterKey = "test-master-key-0123456789";
    public const string HostKey = "test-host-key-0123456789";
    public const string CandidateFunctionKey = "test-candidate-function-key";

    private readonly WebApplication _app;

    private LocalFunctionsApp(WebApplication app, Uri baseAddress, FakeLoggerProvider logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
    }

    public Uri BaseAddress { get; }

    public FakeLoggerProvider Logs { get; }

    public static Task<LocalFunctionsApp> StartAsync(params string[] extraArgs) => StartAsync(configure: null, extraArgs);

    /// <param name="configure">Runs after the host registered its services (tests replace some).</param>
    /// <param name="extraArgs">More command-line configuration.</param>
    public static async Task<LocalFunctionsApp> StartAsync(Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--CandidateStore=InMemory",
            $"--FunctionKeys:Master={MasterKey}",
            $"--FunctionKeys:Host:default={HostKey}",
            $"--FunctionKeys:Functions:candidate:default={CandidateFunctionKey}",
            .. extraArgs,
        ];
        var logs = new FakeLoggerProvider();
        var app = LocalFunctionsHost.Build(args, builder =>
        {
            // Only the capturing provider: every log line, and none on the test console.
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(cts.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalFunctionsApp(app, new Uri(address), logs);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
