using Flasky.Core.Storage;

namespace Flasky.Tests.Storage;

public sealed class InMemoryCandidateStoreTests : CandidateStoreContract
{
    protected override Task<ICandidateStore> CreateEmptyStoreAsync() => Task.FromResult<ICandidateStore>(new InMemoryCandidateStore());
}
