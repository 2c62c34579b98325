namespace Flasky.Core.Storage;

/// <summary>
/// The store holds an item that is not a candidate (no valid <c>CandidateName</c>), written by someone other than this
/// API. Listing fails with it rather than return a silently short list (api-contract.md, Listing); the API answers 500.
/// </summary>
public sealed class InvalidStoredCandidateException : Exception
{
    public InvalidStoredCandidateException()
    {
    }

    public InvalidStoredCandidateException(string message)
        : base(message)
    {
    }

    public InvalidStoredCandidateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
