using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class LocalApiGatewayExtensions
{
    /// <summary>The signing region of the local HTTP API (callers sign for <c>execute-api</c> in it).</summary>
    public const string Region = "us-east-1";

    private const string RuntimeEndpointName = "runtime";

    /// <summary>
    /// Adds Flasky.LocalApiGateway: the HTTP API callers use at <paramref name="port"/> (every route <c>AWS_IAM</c>,
    /// verified against the given key pair) and, on an endpoint of its own, the Lambda Runtime API a function polls.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddLocalApiGateway(
        this IDistributedApplicationBuilder builder,
        string name,
        int port,
        IResourceBuilder<ParameterResource> accessKeyId,
        IResourceBuilder<ParameterResource> secretAccessKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddProject<Projects.Flasky_LocalApiGateway>(name)
            .WithHttpEndpoint(port: port, name: "http", env: "ApiGateway__HttpPort")
            .WithHttpEndpoint(name: RuntimeEndpointName, env: "ApiGateway__RuntimeApiPort")
            .WithEnvironment("ApiGateway__Region", Region)
            .WithEnvironment("ApiGateway__AccessKeyId", accessKeyId)
            .WithEnvironment("ApiGateway__SecretAccessKey", secretAccessKey)
            .WithHttpHealthCheck("/health", endpointName: RuntimeEndpointName)
            .WithUrlForEndpoint("http", url => url.DisplayText = $"HTTP API (SigV4, execute-api, {Region})")
            .WithUrlForEndpoint(RuntimeEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly);
    }

    /// <summary>
    /// Runs <paramref name="function"/> as Lambda would, against <paramref name="apiGateway"/>'s Runtime API
    /// (<c>AWS_LAMBDA_RUNTIME_API=host:port</c>), with a log stream name as its instance id.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLambdaRuntimeApi(
        this IResourceBuilder<ProjectResource> function, IResourceBuilder<ProjectResource> apiGateway)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(apiGateway);
        var runtime = apiGateway.GetEndpoint(RuntimeEndpointName);
        return function
            .WithEnvironment("AWS_LAMBDA_RUNTIME_API", ReferenceExpression.Create($"{runtime.Property(EndpointProperty.HostAndPort)}"))
            .WithEnvironment("AWS_LAMBDA_LOG_STREAM_NAME", LogStreamName())
            .WithReferenceRelationship(apiGateway)
            .WaitFor(apiGateway);
    }

    /// <summary>Lambda's log stream naming: <c>yyyy/MM/dd/[$LATEST]</c> and a random id per execution environment.</summary>
    private static string LogStreamName() =>
        DateTime.UtcNow.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture) + "/[$LATEST]" + Guid.NewGuid().ToString("N");
}
