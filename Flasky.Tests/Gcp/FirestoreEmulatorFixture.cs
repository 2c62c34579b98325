using Flasky.Emulators;
using Flasky.Firestore;

namespace Flasky.Tests.Gcp;

/// <summary>
/// One Firestore emulator for a test class. The emulator keeps each project's data apart, so a store that needs an
/// empty collection gets a project of its own instead of a wipe that would race the class's other tests.
/// </summary>
public sealed class FirestoreEmulatorFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private FirestoreEmulator? _emulator;
    private readonly List<HttpClient> _clients = [];

    internal FirestoreEmulator Emulator => _emulator ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>The project every shared store uses.</summary>
    public string SharedProjectId { get; } = NewProjectId();

    /// <summary>A raw client for writing and reading documents the way other programs (the seed) do.</summary>
    public HttpClient Raw { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static string NewProjectId() => $"test-{Guid.NewGuid():N}"[..30];

    public async Task InitializeAsync() => _emulator = await FirestoreEmulator.StartAsync(StartTimeout);

    public FirestoreStoreOptions OptionsFor(string projectId) => new()
    {
        ProjectId = projectId,
        EmulatorHost = Emulator.HostAndPort,

        // The store tests check what lands, not how fast: one request of 50 concurrent upserts on the emulator's JVM,
        // while the rest of the suite shares the two CPUs, once took longer than the app's 2 s per request. The
        // timeouts themselves are tested where they are the point (FirestoreStoreFailureTests, the stopped emulator).
        RequestTimeout = TimeSpan.FromSeconds(30),
        OperationTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A store built as the app builds it (same HttpClient, same auth handler).</summary>
    public FirestoreCandidateStore StoreFor(string projectId)
    {
        var options = OptionsFor(projectId);
        var client = FirestoreHttpClient.Create(options);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return new FirestoreCandidateStore(client, options);
    }

    /// <summary>The REST URL of a document of the candidates collection, addressed by its (percent-encoded) id.</summary>
    public Uri DocumentUrl(string projectId, string documentId) => new(
        $"{Emulator.Endpoint}v1/projects/{projectId}/databases/(default)/documents/candidates/{Uri.EscapeDataString(documentId)}",
        new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

    public async Task DisposeAsync()
    {
        lock (_clients)
        {
            _clients.ForEach(c => c.Dispose());
        }

        Raw.Dispose();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
