using Aspire.Hosting.ApplicationModel;
using Flasky.Emulators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

public static class FirestoreEmulatorExtensions
{
    /// <summary>
    /// Adds the official Firestore emulator as an executable resource with an http endpoint and a health check. When
    /// gcloud or its emulator component is missing, the resource still appears, but exits at once after printing what
    /// to install (its console log), and stays unhealthy with that message; resources that don't wait for it run on.
    /// </summary>
    public static IResourceBuilder<FirestoreEmulatorResource> AddFirestoreEmulator(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // PATH as the AppHost's configuration sees it (the environment, unless a test overrides it).
        var problem = FirestoreEmulatorCommand.FindPrerequisiteProblem(builder.Configuration["PATH"] ?? Environment.GetEnvironmentVariable("PATH"));
        var resource = new FirestoreEmulatorResource(name, problem is null ? "gcloud" : "/bin/sh", builder.AppHostDirectory)
        {
            PrerequisiteProblem = problem,
        };

        var healthCheckKey = $"{name}-firestore";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new FirestoreEmulatorHealthCheck(resource),
            failureStatus: null,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));

        // gcloud keeps state and logs in its configuration directory: one of our own per AppHost, not the user's.
        var configDirectory = Path.Combine(Path.GetTempPath(), $"flasky-gcloud-{name}-{Environment.ProcessId}");
        return builder.AddResource(resource)
            .WithHttpEndpoint(name: FirestoreEmulatorResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                if (problem is not null)
                {
                    context.Args.Add("-c");
                    context.Args.Add("echo \"$0\" >&2; exit 1");
                    context.Args.Add(problem);
                    return;
                }

                Directory.CreateDirectory(configDirectory);
                foreach (var argument in FirestoreEmulatorCommand.StartArguments)
                {
                    context.Args.Add(argument);
                }

                var port = resource.Endpoint.Property(EndpointProperty.TargetPort);
                context.Args.Add(ReferenceExpression.Create($"{FirestoreEmulatorCommand.HostPortOption}127.0.0.1:{port}"));
            })
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in FirestoreEmulatorCommand.Environment(configDirectory))
                {
                    context.EnvironmentVariables[key] = value;
                }
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Points a project at the emulator the way Google's client libraries expect: <c>FIRESTORE_EMULATOR_HOST</c>
    /// (host:port), <c>GOOGLE_CLOUD_PROJECT</c>, and the collection (<c>Firestore__Collection</c>).
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<FirestoreEmulatorResource> firestore)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(firestore);
        var resource = firestore.Resource;
        return builder
            .WithEnvironment("FIRESTORE_EMULATOR_HOST", resource.HostAndPort)
            .WithEnvironment("GOOGLE_CLOUD_PROJECT", resource.ProjectId)
            .WithEnvironment("Firestore__Collection", resource.Collection);
    }
}
