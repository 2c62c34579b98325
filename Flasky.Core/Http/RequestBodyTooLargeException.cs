namespace Flasky.Core.Http;

/// <summary>
/// Thrown by a host's request body stream when the platform refuses to read more of the body (Kestrel's
/// <c>MaxRequestBodySize</c>): the API answers 413, as for any body over its limit.
/// </summary>
public sealed class RequestBodyTooLargeException : IOException
{
    public RequestBodyTooLargeException()
    {
    }

    public RequestBodyTooLargeException(string message)
        : base(message)
    {
    }

    public RequestBodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
