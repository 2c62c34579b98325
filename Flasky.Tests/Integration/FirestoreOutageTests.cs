using Flasky.Tests.Gcp;

namespace Flasky.Tests.Integration;

/// <summary>The GCP flavour while the Firestore emulator is down (the Cloud Run service through its front, with an ID token).</summary>
[Collection(AppHostTestGroup.Name)]
public sealed class FirestoreOutageTests(AppHostFixture fixture) : StoreOutageTests(fixture)
{
    protected override string DatabaseResource => AppHostFixture.FirestoreResource;

    protected override IReadOnlyList<string> Leaks => ["firestore.googleapis", "127.0.0.1", "localhost:", "FIRESTORE_EMULATOR_HOST", "Google"];

    protected override HttpClient CreateClient(TimeSpan timeout) => Fixture.CreateFrontClient(timeout);
}
