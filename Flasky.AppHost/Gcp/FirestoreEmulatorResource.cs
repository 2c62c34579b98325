namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The official Firestore emulator (<c>gcloud emulators firestore start</c>, in memory, Native mode) run as an
/// executable, since containers can't run here. Apps reach it as Google's client libraries do: through
/// <c>FIRESTORE_EMULATOR_HOST</c> (see <see cref="FirestoreEmulatorExtensions.WithReference{T}"/>).
/// </summary>
public sealed class FirestoreEmulatorResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    internal const string EndpointName = "http";

    /// <summary>The project id apps use against the emulator; <c>demo-</c> ids are never real projects.</summary>
    public const string DefaultProjectId = "demo-flasky";

    public const string DefaultCollection = "candidates";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public string ProjectId { get; init; } = DefaultProjectId;

    public string Collection { get; init; } = DefaultCollection;

    /// <summary>Why the emulator can't start on this machine (gcloud or its component missing), or null.</summary>
    public string? PrerequisiteProblem { get; internal init; }

    /// <summary><c>host:port</c>, the form <c>FIRESTORE_EMULATOR_HOST</c> takes.</summary>
    public ReferenceExpression HostAndPort => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
