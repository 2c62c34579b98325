using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class ManagementEndpointExtensions
{
    public const string EndpointName = "management";

    /// <summary>
    /// Gives a Flasky host its management port (<c>Management__Port</c>, see Flasky.Hosting's <c>ManagementEndpoint</c>)
    /// and probes <c>/health</c> there, so the API's own port answers only the contract.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithManagementEndpoint(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithHttpEndpoint(name: EndpointName);
        var endpoint = builder.GetEndpoint(EndpointName);
        return builder
            .WithEnvironment("Management__Port", endpoint.Property(EndpointProperty.TargetPort))
            .WithHttpHealthCheck("/health", endpointName: EndpointName)
            .WithUrlForEndpoint(EndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly);
    }
}
