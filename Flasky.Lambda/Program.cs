using Flasky.Lambda;
using Flasky.Lambda.LocalRuntime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// Local mode only: in AWS the managed runtime loads Function and never calls Main. Here this process plays the
// runtime's part against the Runtime API that Flasky.LocalApiGateway serves (AWS_LAMBDA_RUNTIME_API=host:port).
var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var runtimeApi = configuration["AWS_LAMBDA_RUNTIME_API"];
if (string.IsNullOrWhiteSpace(runtimeApi))
{
    await Console.Error.WriteLineAsync(
        "AWS_LAMBDA_RUNTIME_API is not set. In AWS the managed runtime calls Flasky.Lambda::Flasky.Lambda.Function::HandleAsync; " +
        "locally, run this under Flasky.LocalApiGateway (the AppHost does) or point AWS_LAMBDA_RUNTIME_API at its Runtime API.");
    return 2;
}

// Traces and logs go to the Aspire dashboard when it gives an OTLP endpoint (as ServiceDefaults does, slimmer:
// no ASP.NET Core here). Outgoing HTTP is the store's SDK calls; the Runtime API's own long polls are left out.
var exportTelemetry = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
using var tracing = exportTelemetry
    ? Sdk.CreateTracerProviderBuilder()
        .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "lambda"))
        .AddSource(Function.ActivitySourceName, Flasky.DynamoDb.DynamoDbCandidateStore.ActivitySourceName)
        .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = request =>
            request.RequestUri is null || request.RequestUri.Authority != runtimeApi)
        .AddOtlpExporter()
        .Build()
    : null;

using var stop = new CancellationTokenSource();
AppDomain.CurrentDomain.ProcessExit += (_, _) =>
{
    try
    {
        stop.Cancel();
    }
    catch (ObjectDisposedException)
    {
        // Main has already returned.
    }
};
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var bootstrapLogging = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
using var runtime = RuntimeApiClient.ForEndpoint(runtimeApi);
return await LocalRuntimeLoop.RunAsync(
    runtime,
    () => new Function(LambdaApplication.Create(configuration, logging =>
    {
        if (exportTelemetry)
        {
            logging.AddOpenTelemetry(otel =>
            {
                otel.IncludeFormattedMessage = true;
                otel.AddOtlpExporter();
            });
        }
    })),
    bootstrapLogging.CreateLogger("Flasky.Lambda.LocalRuntime"),
    stop.Token);
