using Flasky.Functions;
using Flasky.Functions.LocalHost;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;

if (!FunctionsHostDetection.IsUnderFunctionsHost(args, Environment.GetEnvironmentVariable))
{
    await LocalFunctionsHost.Build(args).RunAsync();
    return;
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddServiceDefaults(new ServiceDefaultsOptions
{
    InstrumentAspNetCore = false,
    ConfigureTelemetry = telemetry => telemetry.UseFunctionsWorkerDefaults(),
});
builder.Services.AddCandidateApi(builder.Configuration);
await builder.Build().RunAsync();
