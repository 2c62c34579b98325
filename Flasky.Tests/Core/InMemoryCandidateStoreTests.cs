using System.Text;
using Flasky.Core.Storage;
using Flasky.Tests.Contract;

namespace Flasky.Tests.Core;

public sealed class InMemoryCandidateStoreTests : CandidateStoreContract
{
    protected override Task<ICandidateStore> CreateEmptyStoreAsync() => Task.FromResult<ICandidateStore>(new InMemoryCandidateStore());

    protected override async Task<IReadOnlyList<string>> ForgeContinuationsAsync(string issued)
    {
        // mem1:<base64 last name>.<base64 signature>: a real name with no signature, with another's, or a token that
        // another instance issued.
        var parts = issued["mem1:".Length..].Split('.');
        Assert.Equal(2, parts.Length);
        var otherName = Convert.ToBase64String(Encoding.UTF8.GetBytes("forged 0"));
        var other = new InMemoryCandidateStore();
        for (var i = 0; i < 3; i++)
        {
            await other.UpsertAsync(Candidate.WithoutAttributes(Name($"forged {i}")), TestTimeout());
        }

        return
        [
            $"mem1:{otherName}",
            $"mem1:{otherName}.{parts[1]}",
            $"mem1:{parts[0]}.{Convert.ToBase64String(new byte[32])}",
            (await other.ListAsync(null, 2, TestTimeout())).Continuation!,
        ];
    }
}
