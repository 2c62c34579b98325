namespace Flasky.Firestore;

/// <summary>
/// The one <see cref="HttpClient"/> the store uses, built here rather than by <c>IHttpClientFactory</c>: the hosts'
/// default HTTP resilience (retries with back-off, circuit breaker) would hide an outage behind long waits, while
/// the API's answer to one is an immediate 503 with <c>Retry-After</c>. Its requests are traced all the same: every
/// <see cref="HttpClient"/> publishes the <c>System.Net.Http</c> activities that OpenTelemetry's HttpClient
/// instrumentation exports.
/// </summary>
public static class FirestoreHttpClient
{
    public static HttpClient Create(FirestoreStoreOptions options) => Create(options, new SocketsHttpHandler
    {
        // New connections now and then follow DNS changes of googleapis.com; a refused connection fails fast.
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    });

    /// <summary>The same client over another transport (tests: canned Firestore answers).</summary>
    internal static HttpClient Create(FirestoreStoreOptions options, HttpMessageHandler transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authorization = options.UsesEmulator
            ? FirestoreAuthorizationHandler.ForEmulator()
            : FirestoreAuthorizationHandler.ForApplicationDefaultCredentials();
        authorization.InnerHandler = transport;
        return new HttpClient(authorization) { Timeout = options.RequestTimeout };
    }
}
