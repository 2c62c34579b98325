namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A local Cosmos DB (NoSQL API) server run as an executable, since the Docker emulator can't run here.
/// It hands out the same kind of connection string as Aspire's Cosmos DB emulator integration, so an app
/// reads it from <c>ConnectionStrings:{name}</c> either way.
/// </summary>
public sealed class CosmosEmulatorResource(string name, string workingDirectory, string accountKey)
    : ExecutableResource(name, "node", workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "https";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    /// <summary>The databases and containers the server creates every time it starts.</summary>
    internal List<CosmosContainerSpec> Containers { get; } = [];

    /// <summary>
    /// The server checks no keys, but the SDK needs one; it is random per run and not a secret of any account.
    /// Certificate validation is off because the server uses a self-signed certificate on loopback (emulator only).
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"AccountEndpoint={Endpoint.Property(EndpointProperty.Url)}/;AccountKey={accountKey};DisableServerCertificateValidation=True;");
}

internal sealed record CosmosContainerSpec(string Database, string Container, string PartitionKeyPath);
