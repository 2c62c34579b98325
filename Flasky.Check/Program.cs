using System.CommandLine;
using System.Globalization;
using System.Text;
using Flasky.Check.Auth;

namespace Flasky.Check;

/// <summary>
/// <c>Flasky.Check &lt;base-url&gt; [credentials] [--timeout SECONDS] [--edge-names] [--unique-names] [--check NAME]…</c>:
/// one line per check, then <c>N passed, N failed</c>. Exit code 0 when all passed, 1 when any failed, 2 for usage
/// errors. The command line is System.CommandLine's; <c>--help</c> lists every option with an example per cloud.
/// </summary>
public static class Program
{
    public const int AllPassed = 0;
    public const int SomeFailed = 1;
    public const int UsageError = 2;

    /// <summary>The function key, when <c>--function-key</c> is not given: arguments are visible to every user in <c>ps</c>, the environment is not.</summary>
    public const string FunctionKeyVariable = "FLASKY_FUNCTION_KEY";

    /// <summary>The ID token, when neither <c>--id-token</c> nor <c>--id-token-command</c> is given.</summary>
    public const string IdTokenVariable = "FLASKY_ID_TOKEN";

    private const string Description = $$"""
        Checks a running Flasky host against the API contract (docs/api-contract.md) over HTTP: one line per check,
        then "N passed, N failed". Exit code 0: all passed; 1: a check failed; 2: usage error (nothing was sent).
        It writes only the fixed, documented set of candidates named flasky-check-… (docs/contract-check.md),
        overwritten on every run. Secrets are best passed in the environment ({{FunctionKeyVariable}}, AWS_*,
        {{IdTokenVariable}}): command-line arguments are visible to every user of the machine (ps).

        Examples:
          Azure Functions (function key from the environment):
            FLASKY_FUNCTION_KEY=... Flasky.Check https://<app>.azurewebsites.net
          Azure, the local AppHost (key from its user secrets):
            FLASKY_FUNCTION_KEY=$(dotnet user-secrets list --project Flasky.AppHost | sed -n 's/^Parameters:function-key = //p') \
              Flasky.Check http://localhost:7071
          AWS API Gateway with AWS_IAM (SigV4 from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN):
            Flasky.Check https://<api-id>.execute-api.us-east-1.amazonaws.com --sigv4 us-east-1
          GCP Cloud Run (IAM invoker; a fresh ID token from gcloud, again after 45 minutes):
            Flasky.Check https://<service>.run.app --id-token-command "gcloud auth print-identity-token --audiences=https://<service>.run.app"
          GCP, the local Cloud Run front:
            Flasky.Check http://localhost:7073 --id-token-command "dotnet run --project Flasky.LocalCloudRun -- token"
          An anonymous local host, one check only:
            Flasky.Check http://localhost:8080 --check "candidates: a bad next token is 400"
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
        return await RunAsync(args, Console.Out, Environment.GetEnvironmentVariable, cancellation.Token).ConfigureAwait(false);
    }

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>Runs the CLI with <paramref name="environment"/> standing in for the process's environment variables.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter output, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        var command = new CheckCommand(environment);
        var parsed = command.Root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = output };
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await output.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await output.WriteLineAsync("Usage: Flasky.Check <base-url> [options]; see --help.").ConfigureAwait(false);
            return UsageError;
        }

        command.Output = output;
        return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The root command, its options and its action.</summary>
    private sealed class CheckCommand
    {
        private readonly Func<string, string?> _environment;

        private readonly Argument<Uri> _baseUrl = new("base-url")
        {
            Description = "The host's root, where /gtg is, e.g. http://localhost:7071 or https://<app>.azurewebsites.net (a path such as an API Gateway stage is kept)",
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                    || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                {
                    result.AddError($"The base URL must be an absolute http or https URL without query: \"{text}\".");
                    return null;
                }

                return uri;
            },
        };

        private readonly Option<string> _functionKey = new("--function-key")
        {
            Description = $"Azure Functions: a function, host or master key, sent as x-functions-key; turns on the auth checks. Prefer {FunctionKeyVariable} in the environment",
            HelpName = "KEY",
        };

        private readonly Option<string> _sigv4 = new("--sigv4")
        {
            Description = "AWS API Gateway (AWS_IAM): signs every request with SigV4 for execute-api in this region, with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the environment",
            HelpName = "REGION",
        };

        private readonly Option<string> _idToken = new("--id-token")
        {
            Description = $"GCP Cloud Run: a Google ID token for the service URL, sent as Authorization: Bearer. Prefer {IdTokenVariable} in the environment, or --id-token-command",
            HelpName = "TOKEN",
        };

        private readonly Option<string> _idTokenCommand = new("--id-token-command")
        {
            Description = "GCP Cloud Run: a shell command that prints an ID token (run again after 45 minutes), e.g. \"gcloud auth print-identity-token --audiences=<service URL>\"",
            HelpName = "COMMAND",
        };

        private readonly Option<double> _timeout = new("--timeout")
        {
            Description = "The longest one HTTP request may take, in seconds (0-600); each check gets 6 times that, at least 30 s",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 10,
        };

        private readonly Option<bool> _edgeNames = new("--edge-names")
        {
            Description = "Also write the exact names \".\", \"..\" and \"__x__\" (only for a store you throw away)",
        };

        private readonly Option<bool> _uniqueNames = new("--unique-names")
        {
            Description = "Write under a random per-run prefix (flasky-check-<8 hex>-) instead of the fixed names: for runs that share a host at the same time. Each such run leaves its own names behind",
        };

        private readonly Option<string[]> _check = new("--check")
        {
            Description = "Run only this check (repeatable); the name as printed",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };

        public CheckCommand(Func<string, string?> environment)
        {
            _environment = environment;
            _timeout.CustomParser = result =>
            {
                if (!double.TryParse(result.Tokens.Single().Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds is <= 0 or > 600)
                {
                    result.AddError("--timeout needs a number of seconds from 0 to 600.");
                }

                return seconds;
            };
            _check.CustomParser = result =>
            {
                var names = result.Tokens.Select(t => t.Value).ToArray();
                foreach (var name in names.Where(n => !ContractSuite.All.Any(c => c.Name == n)))
                {
                    result.AddError($"--check needs the name of a check; there is none named \"{name}\".");
                }

                return names;
            };
            foreach (var option in new[] { _functionKey, _sigv4, _idToken, _idTokenCommand })
            {
                option.CustomParser = result =>
                {
                    var value = result.Tokens.Single().Value;
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        result.AddError($"{option.Name} needs a value.");
                    }

                    return value;
                };
            }

            Root = new RootCommand(Description)
            {
                _baseUrl, _functionKey, _sigv4, _idToken, _idTokenCommand, _timeout, _edgeNames, _uniqueNames, _check,
            };
            Root.Validators.Add(result =>
            {
                var given = new Option[] { _functionKey, _sigv4, _idToken, _idTokenCommand }.Where(o => result.GetResult(o) is not null).Select(o => o.Name).ToList();
                if (given.Count > 1)
                {
                    result.AddError($"Give one kind of credentials, not {string.Join(" and ", given)}.");
                }
            });
            Root.SetAction(RunAsync);
        }

        public RootCommand Root { get; }

        public TextWriter Output { get; set; } = TextWriter.Null;

        private async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellationToken)
        {
            IRequestAuthenticator authenticator;
            try
            {
                authenticator = Authenticator(parsed);
            }
            catch (InvalidOperationException ex)
            {
                await Output.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return UsageError;
            }

            var options = new ContractRunOptions
            {
                RequestTimeout = TimeSpan.FromSeconds(parsed.GetValue(_timeout)),
                WriteEdgeNames = parsed.GetValue(_edgeNames),
                FixedNames = !parsed.GetValue(_uniqueNames),
            };
            var only = parsed.GetValue(_check) ?? [];
            var checks = ContractSuite.All.Where(c => only.Length == 0 || only.Contains(c.Name));
            var summary = await ContractRun.RunAsync(
                new ContractTarget(parsed.GetValue(_baseUrl)!, authenticator), options, checks, new TextWriterLogger(Output), cancellationToken).ConfigureAwait(false);
            return summary.Failed == 0 ? AllPassed : SomeFailed;
        }

        private IRequestAuthenticator Authenticator(ParseResult parsed)
        {
            if (parsed.GetValue(_functionKey) is { } key)
            {
                return FunctionKeyAuthenticator.WithKey(key);
            }

            if (parsed.GetValue(_sigv4) is { } region)
            {
                return SigV4Authenticator.FromEnvironment(region, _environment);
            }

            if (parsed.GetValue(_idToken) is { } token)
            {
                return IdTokenAuthenticator.WithToken(token);
            }

            if (parsed.GetValue(_idTokenCommand) is { } command)
            {
                return IdTokenAuthenticator.WithCommand(command);
            }

            if (_environment(FunctionKeyVariable) is { Length: > 0 } keyFromEnvironment)
            {
                return FunctionKeyAuthenticator.WithKey(keyFromEnvironment.Trim());
            }

            if (_environment(IdTokenVariable) is { Length: > 0 } tokenFromEnvironment)
            {
                return IdTokenAuthenticator.WithToken(tokenFromEnvironment.Trim());
            }

            return NoAuthentication.Instance;
        }
    }
}
