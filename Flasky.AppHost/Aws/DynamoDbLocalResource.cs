namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// DynamoDB Local (AWS's own emulator, a Java 17+ jar from npm <c>amplify-dynamodb-simulator</c>) run in memory as an
/// executable through <c>emulators/dynamodb/start.mjs</c>, which recreates the declared tables on every start.
/// </summary>
public sealed class DynamoDbLocalResource(string name, string workingDirectory)
    : ExecutableResource(name, "node", workingDirectory), IResourceWithEndpoints
{
    internal const string EndpointName = "http";

    /// <summary>DynamoDB Local ignores it (it runs with <c>-sharedDb</c>); the SDK still signs for a region.</summary>
    public const string Region = "us-east-1";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    /// <summary>The tables the script creates (idempotently) every time DynamoDB Local starts.</summary>
    internal List<DynamoDbTableSpec> Tables { get; } = [];
}

internal sealed record DynamoDbTableSpec(string Name, string HashKey);
