using Aspire.Hosting.ApplicationModel;
using Flasky.Check;
using Flasky.Check.Auth;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Dashboard commands on an API resource (functions, apigateway, cloudrun-front): run the contract check against it,
/// add sample candidates, and show a curl command. Each uses that resource's own authentication; no secret is ever
/// written to the logs or shown in a result: curl commands read the key from a shell variable set from user secrets.
/// </summary>
public static partial class ApiCommandExtensions
{
    public const string RunContractCheckCommand = "flasky-run-contract-check";
    public const string AddSampleCandidatesCommand = "flasky-add-sample-candidates";
    public const string CurlCommand = "flasky-curl-command";

    /// <summary>The candidates "Add sample candidates" writes (overwritten, so clicking twice adds nothing new).</summary>
    public static readonly IReadOnlyList<(string Name, string Attributes)> SampleCandidates =
    [
        ("Ada Lovelace", """{"Role":"Analyst","Skills":["mathematics","programming"],"Years":12}"""),
        ("Grace Hopper", """{"Role":"Engineer","Skills":["compilers","COBOL"],"Years":40}"""),
        ("Alan Turing", """{"Role":"Researcher","Skills":["cryptanalysis","computability"],"Years":20}"""),
        ("José Müller", """{"Role":"Designer","Skills":["typography"],"Years":5}"""),
        ("李雷", """{"Role":"Engineer","Skills":["distributed systems"],"Years":8}"""),
    ];

    /// <summary>
    /// Adds the three commands to <paramref name="builder"/>, whose <c>http</c> endpoint serves the API.
    /// <paramref name="credentials"/> gives the authenticator for a base URL; <paramref name="curl"/> the shell lines
    /// that call a URL with the credentials from variables (never the values).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiCommands(
        this IResourceBuilder<ProjectResource> builder,
        Func<Uri, CancellationToken, Task<IRequestAuthenticator>> credentials,
        Func<Uri, string> curl)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(curl);
        var endpoint = builder.GetEndpoint("http");
        Uri BaseAddress() => new(endpoint.Url);

        builder.WithCommand(
            RunContractCheckCommand,
            "Run contract check",
            async context =>
            {
                var baseAddress = BaseAddress();
                var authenticator = await credentials(baseAddress, context.CancellationToken).ConfigureAwait(false);

                // The fixed names: clicking again overwrites the same candidates (docs/contract-check.md).
                var options = new ContractRunOptions { RequestTimeout = TimeSpan.FromSeconds(20), FixedNames = true };
                var summary = await ContractRun.RunAsync(
                    new ContractTarget(baseAddress, authenticator), options, ContractSuite.All, context.Logger, context.CancellationToken).ConfigureAwait(false);
                var message = summary.ToString();
                return summary.Failed == 0
                    ? CommandResults.Success(message)
                    : CommandResults.Failure($"{message}; the failures are in this resource's console logs");
            },
            new CommandOptions
            {
                Description = "Runs Flasky.Check (the whole API contract) against this resource with its credentials; each check's line is in the console logs",
                IconName = "CheckmarkCircle",
                IsHighlighted = true,
                UpdateState = EnabledWhenHealthy,
            });

        builder.WithCommand(
            AddSampleCandidatesCommand,
            "Add sample candidates",
            async context =>
            {
                var baseAddress = BaseAddress();
                var authenticator = await credentials(baseAddress, context.CancellationToken).ConfigureAwait(false);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                foreach (var (name, attributes) in SampleCandidates)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, CheckContext.CandidatePath(name)))
                    {
                        Content = CheckContext.Json(attributes),
                    };
                    await authenticator.AuthenticateAsync(request, context.CancellationToken).ConfigureAwait(false);
                    using var response = await http.SendAsync(request, context.CancellationToken).ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (status != 200)
                    {
                        return CommandResults.Failure($"POST /candidate/{name} answered {status}");
                    }

                    SampleAdded(context.Logger, name);
                }

                return CommandResults.Success($"Added {SampleCandidates.Count} sample candidates: {string.Join(", ", SampleCandidates.Select(s => s.Name))}");
            },
            new CommandOptions
            {
                Description = "POSTs a few sample candidates (overwriting them if they exist) so the listing has something to page through",
                IconName = "PersonAdd",
                UpdateState = EnabledWhenHealthy,
            });

        builder.WithCommand(
            CurlCommand,
            "Copy a curl command",
            context =>
            {
                var lines = curl(BaseAddress());
                CurlShown(context.Logger);
                foreach (var line in lines.Split('\n'))
                {
                    CurlLine(context.Logger, line);
                }

                return Task.FromResult(CommandResults.Success("A curl command for this resource (its credentials come from your user secrets)", lines, CommandResultFormat.Text, displayImmediately: true));
            },
            new CommandOptions
            {
                Description = "Shows (and logs) a curl command that calls this resource; the credentials are read from the AppHost's user secrets into shell variables, never shown",
                IconName = "Code",
            });
        return builder;
    }

    private static ResourceCommandState EnabledWhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Added sample candidate {Name}")]
    private static partial void SampleAdded(ILogger log, string name);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "A curl command for this resource (its credentials come from the AppHost's user secrets):")]
    private static partial void CurlShown(ILogger log);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void CurlLine(ILogger log, string line);
}
