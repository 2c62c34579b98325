using System.Globalization;
using System.Text;
using Flasky.Check.Auth;

namespace Flasky.Check;

/// <summary>
/// <c>Flasky.Check &lt;base-url&gt; [--function-key KEY | --id-token TOKEN | --id-token-command CMD] [--timeout SECONDS] [--edge-names] [--check NAME]…</c>:
/// one line per check, then <c>N passed, N failed</c>. Exit code 0 when all passed, 1 when any failed, 2 for usage errors.
/// </summary>
public static class Program
{
    public const int AllPassed = 0;
    public const int SomeFailed = 1;
    public const int UsageError = 2;

    private const string Usage = """
        Usage: Flasky.Check <base-url> [--function-key KEY | --sigv4 REGION | --id-token TOKEN | --id-token-command CMD] [--timeout SECONDS] [--edge-names] [--check NAME]...
          <base-url>            the host's root, e.g. http://localhost:7071 or https://<app>.azurewebsites.net
          --function-key KEY    Azure Functions key, sent as x-functions-key; also checks how bad keys are rejected
          --sigv4 REGION        AWS API Gateway with AWS_IAM: signs every request (SigV4, execute-api) with
                                AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; also checks rejections
          --id-token TOKEN      Cloud Run: a Google ID token for the service URL, sent as Authorization: Bearer;
                                also checks that missing (403), badly signed, expired and other-audience tokens (401) are refused
          --id-token-command CMD  as --id-token, with the token printed by CMD (run by the shell, again after 45 minutes),
                                e.g. "gcloud auth print-identity-token --audiences=https://<service>.run.app"
          --timeout SECONDS     the longest one HTTP request may take (default 10)
          --edge-names          also write the exact names ".", ".." and "__x__" (only for a throw-away store)
          --check NAME          run only this check (repeatable); names as printed
        """;

    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await RunAsync(args, Console.Out, cancellation.Token).ConfigureAwait(false);
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return AllPassed;
        }

        if (!TryParse(args, out var target, out var options, out var only, out var error))
        {
            await output.WriteLineAsync(error).ConfigureAwait(false);
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageError;
        }

        var checks = ContractSuite.All.Where(c => (only.Count == 0 || only.Contains(c.Name)) && c.AppliesTo(target)).ToList();
        using var runner = new ContractRunner(target, options);
        var auth = target.Authenticator.Scheme == AuthScheme.None
            ? "no authentication (the auth checks don't apply)"
            : target.Authenticator.ToString();
        await output.WriteLineAsync($"Checking {target.BaseAddress} with {auth}.").ConfigureAwait(false);
        await output.WriteLineAsync(options.WriteEdgeNames
            ? $"Writes only candidates named {runner.RunPrefix}…, and the exact names \".\", \"..\" and \"__x__\"."
            : $"Writes only candidates named {runner.RunPrefix}…").ConfigureAwait(false);

        int passed = 0, failed = 0;
        foreach (var check in checks)
        {
            var outcome = await runner.RunAsync(check, cancellationToken).ConfigureAwait(false);
            _ = outcome.Passed ? passed++ : failed++;
            await output.WriteLineAsync(outcome.ToLine()).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"{passed} passed, {failed} failed").ConfigureAwait(false);
        return failed == 0 ? AllPassed : SomeFailed;
    }

    private static bool TryParse(
        IReadOnlyList<string> args,
        out ContractTarget target,
        out ContractRunOptions options,
        out HashSet<string> only,
        out string error)
    {
        target = null!;
        options = new ContractRunOptions();
        only = new HashSet<string>(StringComparer.Ordinal);
        error = "";
        Uri? baseAddress = null;
        IRequestAuthenticator authenticator = NoAuthentication.Instance;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (arg)
            {
                case "--function-key":
                    var key = Value();
                    if (string.IsNullOrWhiteSpace(key))
                    {
                        error = "--function-key needs a key.";
                        return false;
                    }

                    authenticator = FunctionKeyAuthenticator.WithKey(key);
                    break;
                case "--sigv4":
                    var region = Value();
                    if (string.IsNullOrWhiteSpace(region) || region.StartsWith('-'))
                    {
                        error = "--sigv4 needs a region, e.g. us-east-1.";
                        return false;
                    }

                    try
                    {
                        authenticator = SigV4Authenticator.FromEnvironment(region, Environment.GetEnvironmentVariable);
                    }
                    catch (InvalidOperationException ex)
                    {
                        error = ex.Message;
                        return false;
                    }

                    break;
                case "--id-token":
                    var token = Value();
                    if (string.IsNullOrWhiteSpace(token))
                    {
                        error = "--id-token needs a token.";
                        return false;
                    }

                    authenticator = IdTokenAuthenticator.WithToken(token);
                    break;
                case "--id-token-command":
                    var command = Value();
                    if (string.IsNullOrWhiteSpace(command))
                    {
                        error = "--id-token-command needs a command that prints a token.";
                        return false;
                    }

                    authenticator = IdTokenAuthenticator.WithCommand(command);
                    break;
                case "--timeout":
                    if (!double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds is <= 0 or > 600)
                    {
                        error = "--timeout needs a number of seconds from 0 to 600.";
                        return false;
                    }

                    options = options with { RequestTimeout = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--edge-names":
                    options = options with { WriteEdgeNames = true };
                    break;
                case "--check":
                    var name = Value();
                    if (name is null || !ContractSuite.All.Any(c => c.Name == name))
                    {
                        error = $"--check needs the name of a check; there is none named \"{name}\".";
                        return false;
                    }

                    only.Add(name);
                    break;
                case var _ when arg.StartsWith('-'):
                    error = $"Unknown option {arg}.";
                    return false;
                case var _ when baseAddress is null:
                    if (!Uri.TryCreate(arg, UriKind.Absolute, out baseAddress) || baseAddress.Scheme is not ("http" or "https")
                        || !string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
                    {
                        error = $"The base URL must be an absolute http or https URL without query: \"{arg}\".";
                        return false;
                    }

                    break;
                default:
                    error = $"Unexpected argument \"{arg}\".";
                    return false;
            }
        }

        if (baseAddress is null)
        {
            error = "The base URL is missing.";
            return false;
        }

        target = new ContractTarget(baseAddress, authenticator);
        return true;
    }
}
