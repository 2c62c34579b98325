using Flasky.Core.Storage;
using Flasky.Tests.Aws;
using Flasky.Tests.Azure;
using Flasky.Tests.Gcp;

namespace Flasky.Tests.Performance;

public sealed class CosmosRequestCountTests(CosmosServerFixture fixture) : StoreRequestCountContract, IClassFixture<CosmosServerFixture>
{
    protected override int EmulatorPort => fixture.Server.Endpoint.Port;

    protected override string Expectation => "GET …/docs/{id} to read, POST …/docs (upsert) to write, GET …/colls/{container} to ping, POST …/docs (query) to list";

    protected override async Task<ICandidateStore> CreateEmptyStoreAsync() => fixture.StoreFor(await fixture.CreateEmptyContainerAsync());
}

[Collection(DynamoDbLocalGroup.Name)]
public sealed class DynamoDbRequestCountTests(DynamoDbLocalFixture fixture) : StoreRequestCountContract
{
    protected override int EmulatorPort => fixture.Server.Endpoint.Port;

    protected override string Expectation => "one POST / each: GetItem, PutItem, DescribeTable, Scan";

    protected override async Task<ICandidateStore> CreateEmptyStoreAsync() => fixture.StoreFor(await fixture.CreateEmptyTableAsync());
}

public sealed class FirestoreRequestCountTests(FirestoreEmulatorFixture fixture) : StoreRequestCountContract, IClassFixture<FirestoreEmulatorFixture>
{
    protected override int EmulatorPort => fixture.Emulator.Endpoint.Port;

    protected override string Expectation => "GET …/candidates/{id} to read, PATCH …/candidates/{id} to write, one request to ping, one query to list";

    protected override Task<ICandidateStore> CreateEmptyStoreAsync() => Task.FromResult<ICandidateStore>(fixture.StoreFor(FirestoreEmulatorFixture.NewProjectId()));
}
