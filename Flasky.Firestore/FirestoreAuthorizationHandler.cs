using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;

namespace Flasky.Firestore;

/// <summary>
/// Puts the bearer token on every Firestore request: an OAuth access token from application-default credentials in
/// the cloud, or <c>owner</c> for the emulator.
/// </summary>
/// <remarks>
/// <c>Authorization: Bearer owner</c> is what Google's client libraries send to the emulator (the .NET library's
/// <c>FirestoreDbBuilder</c> adds it with insecure channel credentials; the Node library's <c>initializeIfNeeded</c>
/// explains it: the emulator then treats the caller as an admin that security rules don't apply to).
/// </remarks>
internal sealed class FirestoreAuthorizationHandler : DelegatingHandler
{
    /// <summary>Read and write access to Firestore data (the data-plane scope Google's libraries ask for).</summary>
    public const string DatastoreScope = "https://www.googleapis.com/auth/datastore";

    private const string EmulatorToken = "owner";

    private readonly Func<CancellationToken, Task<string>> _accessToken;

    private FirestoreAuthorizationHandler(Func<CancellationToken, Task<string>> accessToken) => _accessToken = accessToken;

    public static FirestoreAuthorizationHandler ForEmulator() => new(_ => Task.FromResult(EmulatorToken));

    /// <summary>
    /// Application-default credentials (the metadata server on Cloud Run), scoped to Firestore. The credential caches
    /// its token and refreshes it before it expires; a failure to find credentials is retried on the next request.
    /// </summary>
    public static FirestoreAuthorizationHandler ForApplicationDefaultCredentials()
    {
        var credentials = new ApplicationDefaultCredentials();
        return new(credentials.GetAccessTokenAsync);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _accessToken(cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private sealed class ApplicationDefaultCredentials
    {
        private readonly Lock _lock = new();
        private Task<ITokenAccess>? _credential;

        public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
        {
            var credential = await CredentialAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // One lookup shared by concurrent first requests; a failed one is forgotten, so the next request tries again.
        private Task<ITokenAccess> CredentialAsync()
        {
            lock (_lock)
            {
                if (_credential is null || _credential.IsFaulted || _credential.IsCanceled)
                {
                    _credential = LoadAsync();
                }

                return _credential;
            }
        }

        private static async Task<ITokenAccess> LoadAsync()
        {
            var credential = await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false);
            return credential.CreateScoped(DatastoreScope);
        }
    }
}
