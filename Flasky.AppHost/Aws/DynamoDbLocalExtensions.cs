using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

public static class DynamoDbLocalExtensions
{
    /// <summary>The configuration key naming the java executable DynamoDB Local runs on, instead of JAVA_HOME/PATH.</summary>
    public const string JavaConfigurationKey = "DynamoDbLocal:Java";

    /// <summary>
    /// The placeholder credentials a referencing project gets. DynamoDB Local checks no signature, but it refuses an
    /// access key id that is not alphanumeric ("The Access Key ID or security token is invalid"), so no dash.
    /// </summary>
    public const string PlaceholderCredential = "dynamodblocal";

    /// <summary>
    /// Adds DynamoDB Local (in memory) as an executable resource with an HTTP endpoint and a health check that its
    /// tables exist. The npm package is installed by this project's build. Without Java 17+ the resource exits at
    /// once and its console log says what to install; resources that don't wait for it keep running.
    /// Configuration <c>DynamoDbLocal:Java</c> (a path to a java executable) replaces the JAVA_HOME/PATH search for
    /// this resource only: a JDK that is not the default, or, in tests, a Java that does not exist.
    /// </summary>
    public static IResourceBuilder<DynamoDbLocalResource> AddDynamoDbLocal(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var directory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "emulators", "dynamodb"));
        var resource = new DynamoDbLocalResource(name, directory);

        var healthCheckKey = $"{name}-tables";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new DynamoDbLocalHealthCheck(resource),
            failureStatus: null,
            tags: null,
            timeout: TimeSpan.FromSeconds(10)));

        return builder.AddResource(resource)
            .WithHttpEndpoint(name: DynamoDbLocalResource.EndpointName, isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("start.mjs");
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var table in resource.Tables)
                {
                    context.Args.Add("--table");
                    context.Args.Add($"{table.Name}={table.HashKey}");
                }
            })
            .WithEnvironment(context =>
            {
                if (builder.Configuration[JavaConfigurationKey] is { Length: > 0 } java)
                {
                    context.EnvironmentVariables["DYNAMODB_LOCAL_JAVA"] = java;
                }
            })
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Declares a table (string hash key, on-demand) that is created every time DynamoDB Local starts.</summary>
    public static IResourceBuilder<DynamoDbLocalResource> WithTable(
        this IResourceBuilder<DynamoDbLocalResource> builder, string tableName, string hashKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        ArgumentException.ThrowIfNullOrWhiteSpace(hashKey);
        builder.Resource.Tables.Add(new DynamoDbTableSpec(tableName, hashKey));
        return builder;
    }

    /// <summary>
    /// Points a project at DynamoDB Local with the names the AWS SDK and the DynamoDB store read:
    /// <c>AWS_ENDPOINT_URL_DYNAMODB</c>, <c>AWS_REGION</c>, <c>DynamoDb__TableName</c> (the first declared table), and
    /// placeholder credentials DynamoDB Local accepts (<see cref="PlaceholderCredential"/>; with none, the SDK would go
    /// looking for an instance role and stall).
    /// </summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(
        this IResourceBuilder<TDestination> builder, IResourceBuilder<DynamoDbLocalResource> dynamoDb)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dynamoDb);
        var resource = dynamoDb.Resource;
        builder.WithReferenceRelationship(resource);
        builder.WithEnvironment("AWS_ENDPOINT_URL_DYNAMODB", resource.Endpoint);
        builder.WithEnvironment("AWS_REGION", DynamoDbLocalResource.Region);
        builder.WithEnvironment("AWS_ACCESS_KEY_ID", PlaceholderCredential);
        builder.WithEnvironment("AWS_SECRET_ACCESS_KEY", PlaceholderCredential);
        if (resource.Tables.Count > 0)
        {
            builder.WithEnvironment("DynamoDb__TableName", resource.Tables[0].Name);
        }

        return builder;
    }
}
