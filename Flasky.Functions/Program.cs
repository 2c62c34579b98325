using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
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
var appInsights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
builder.AddServiceDefaults(new ServiceDefaultsOptions
{
    InstrumentAspNetCore = false,
    SensitiveQueryParameters = [FunctionKeys.QueryName],
    ConfigureTelemetry = telemetry =>
    {
        telemetry.UseFunctionsWorkerDefaults();
        if (!string.IsNullOrWhiteSpace(appInsights))
        {
            // Application Insights accepts only Entra-authenticated telemetry (local auth is off): use the app's identity.
            var clientId = builder.Configuration["AZURE_CLIENT_ID"];
            var identity = string.IsNullOrWhiteSpace(clientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(clientId);
            telemetry.UseAzureMonitorExporter(monitor => monitor.Credential = new ManagedIdentityCredential(identity));
        }
    },
});
builder.Services.AddAzureCandidateApi(builder.Configuration);
await builder.Build().RunAsync();
