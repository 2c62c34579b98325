using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flasky.Check.Auth;

/// <summary>
/// Cloud Run's IAM invoker check: <c>Authorization: Bearer &lt;ID token&gt;</c>, a Google-signed token whose audience
/// is the service URL. The token is given as is (<c>--id-token</c>) or printed by a command
/// (<c>--id-token-command "gcloud auth print-identity-token --audiences=URL"</c>), which is run again when the token it
/// gave is older than <see cref="CommandTokenMaxAge"/> (Google's tokens live an hour).
/// </summary>
public sealed class IdTokenAuthenticator : IRequestAuthenticator
{
    /// <summary>Re-run the command well before a one-hour token expires.</summary>
    public static readonly TimeSpan CommandTokenMaxAge = TimeSpan.FromMinutes(45);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private const string Redacted = "***";

    private readonly TokenSource? _source;
    private readonly Func<string, string>? _derive;
    private readonly AuthRejection _rejection;
    private readonly string _description;

    private IdTokenAuthenticator(TokenSource? source, Func<string, string>? derive, AuthRejection rejection, string description)
    {
        _source = source;
        _derive = derive;
        _rejection = rejection;
        _description = description;
    }

    /// <summary>Cloud Run refuses a request without a token with 403.</summary>
    public static AuthRejection MissingTokenRejection { get; } = new([403], null);

    /// <summary>Cloud Run refuses a token that fails verification (signature, expiry, audience) with 401.</summary>
    public static AuthRejection InvalidTokenRejection { get; } = new([401], null);

    public static IdTokenAuthenticator WithToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return new IdTokenAuthenticator(TokenSource.Fixed(token.Trim()), null, AuthRejection.CloudRun, "ID token");
    }

    /// <summary>Runs <paramref name="command"/> with the shell and uses its standard output, trimmed, as the token.</summary>
    public static IdTokenAuthenticator WithCommand(string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return new IdTokenAuthenticator(TokenSource.FromCommand(command), null, AuthRejection.CloudRun, "ID token from a command");
    }

    public AuthScheme Scheme => AuthScheme.GoogleIdToken;

    public AuthRejection? Rejection => _rejection;

    public async Task AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_source is null)
        {
            return;
        }

        var token = await _source.GetAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (_derive is null ? token : _derive(token)));
    }

    /// <summary>The real token with its signature changed: refused as a bad signature.</summary>
    public IRequestAuthenticator WithWrongCredentials() => Derived(BreakSignature, "a token with a bad signature");

    public IRequestAuthenticator WithoutCredentials() => new IdTokenAuthenticator(null, null, MissingTokenRejection, "no token");

    /// <summary>
    /// A bad signature, an expired token and a token for another audience. A client cannot get Google to sign an
    /// expired token or one it did not ask for, so the last two are the real token's claims changed under its
    /// original signature: they prove such tokens are refused, and the front's own tests prove the same for properly
    /// signed ones.
    /// </summary>
    public IReadOnlyList<(string What, IRequestAuthenticator Credentials)> WrongCredentialVariants() =>
    [
        ("a token with a bad signature", WithWrongCredentials()),
        ("an expired token", Derived(token => WithClaims(token, claims =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            claims["iat"] = now - 7200;
            claims["exp"] = now - 3600;
        }), "an expired token")),
        ("a token for another audience", Derived(token => WithClaims(token, claims => claims["aud"] = "https://wrong-audience.invalid"), "a token for another audience")),
    ];

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var token = _source?.Current;
        if (string.IsNullOrEmpty(token))
        {
            return text;
        }

        text = text.Replace(token, Redacted, StringComparison.Ordinal);
        var lastDot = token.LastIndexOf('.');
        return lastDot > 0 && lastDot < token.Length - 1
            ? text.Replace(token[(lastDot + 1)..], Redacted, StringComparison.Ordinal)
            : text;
    }

    public override string ToString() => _description;

    private IdTokenAuthenticator Derived(Func<string, string> derive, string description) =>
        new(_source, derive, InvalidTokenRejection, description);

    private static string BreakSignature(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[2].Length == 0)
        {
            return FakeToken();
        }

        var signature = Base64UrlDecode(parts[2]);
        signature[^1] ^= 0x01;
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncode(signature)}";
    }

    private static string WithClaims(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        JsonObject? claims = null;
        if (parts.Length == 3)
        {
            try
            {
                claims = JsonNode.Parse(Base64UrlDecode(parts[1])) as JsonObject;
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                claims = null;
            }
        }

        if (claims is null)
        {
            return FakeToken();
        }

        change(claims);
        return $"{parts[0]}.{Base64UrlEncode(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";
    }

    /// <summary>For a "token" that is not a JWT: an RS256-shaped one that verifies against nothing.</summary>
    private static string FakeToken()
    {
        var header = Base64UrlEncode("""{"alg":"RS256","kid":"flasky-check","typ":"JWT"}"""u8.ToArray());
        var payload = Base64UrlEncode("""{"iss":"https://accounts.google.com","aud":"https://wrong-audience.invalid"}"""u8.ToArray());
        return $"{header}.{payload}.{Base64UrlEncode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(256))}";
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var base64 = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Where the token comes from; one per run, shared by every derived authenticator.</summary>
    private sealed class TokenSource
    {
        private readonly string? _command;
        private long _fetchedAt;

        private TokenSource(string? token, string? command)
        {
            Current = token;
            _command = command;
        }

        public string? Current { get; private set; }

        public static TokenSource Fixed(string token) => new(token, null);

        public static TokenSource FromCommand(string command) => new(null, command);

        public async Task<string> GetAsync(CancellationToken cancellationToken)
        {
            if (_command is null)
            {
                return Current!;
            }

            // A run sends its requests one at a time, so at worst a race would run the command twice.
            if (Current is null || Stopwatch.GetElapsedTime(_fetchedAt) > CommandTokenMaxAge)
            {
                Current = await RunAsync(_command, cancellationToken).ConfigureAwait(false);
                _fetchedAt = Stopwatch.GetTimestamp();
            }

            return Current;
        }

        private static async Task<string> RunAsync(string command, CancellationToken cancellationToken)
        {
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", command } }
                : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command } };
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            using var process = Process.Start(start) ?? throw new CheckFailedException("--id-token-command: the command could not be started.");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var errors = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                var token = (await output.ConfigureAwait(false)).Trim();
                if (process.ExitCode != 0 || token.Length == 0 || token.Any(char.IsWhiteSpace))
                {
                    // Its standard error says why (e.g. "gcloud: command not found"); its output could be a token, so never show it.
                    var reason = (await errors.ConfigureAwait(false)).Trim();
                    throw new CheckFailedException(
                        $"--id-token-command exited with {process.ExitCode} and printed {(token.Length == 0 ? "no token" : "something that is not a token")}"
                        + (reason.Length == 0 ? "." : $": {reason[..Math.Min(reason.Length, 300)]}"));
                }

                return token;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new CheckFailedException($"--id-token-command gave no token within {CommandTimeout.TotalSeconds:0} s.");
            }
        }
    }
}
