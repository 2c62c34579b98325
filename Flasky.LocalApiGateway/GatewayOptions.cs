using Flasky.LocalApiGateway.SigV4;
using Microsoft.Extensions.Configuration;

namespace Flasky.LocalApiGateway;

/// <summary>
/// The emulated API and its limits, from configuration section <c>ApiGateway</c> (env <c>ApiGateway__…</c>).
/// Limits are API Gateway's and Lambda's documented quotas unless configured otherwise (tests shrink them).
/// </summary>
public sealed record GatewayOptions
{
    public const string Section = "ApiGateway";

    /// <summary>The signing region callers must use (<c>ApiGateway:Region</c>, else <c>AWS_REGION</c>, else us-east-1).</summary>
    public required string Region { get; init; }

    public required IReadOnlyList<SigV4Credentials> Credentials { get; init; }

    /// <summary><c>$default</c> (no path prefix) or a stage name, which then starts every path.</summary>
    public string Stage { get; init; } = "$default";

    /// <summary>HTTP APIs: 30 seconds by default, which is also the maximum (docs: AWS::ApiGatewayV2::Integration TimeoutInMillis).</summary>
    public TimeSpan IntegrationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>HTTP API payload quota: 10 MB (API Gateway quotas, "Payload size").</summary>
    public long MaxRequestBodyBytes { get; init; } = 10L * 1024 * 1024;

    /// <summary>Lambda's synchronous invocation quota, request and response alike: 6 MB (Lambda quotas, "Invocation payload").</summary>
    public long MaxInvocationPayloadBytes { get; init; } = 6L * 1024 * 1024;

    /// <summary>The ARN handed to the function in <c>Lambda-Runtime-Invoked-Function-Arn</c>.</summary>
    public string FunctionArn { get; init; } = "arn:aws:lambda:us-east-1:000000000000:function:flasky";

    public static GatewayOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var region = NonEmpty(section["Region"]) ?? NonEmpty(configuration["AWS_REGION"]) ?? "us-east-1";
        var accessKey = NonEmpty(section["AccessKeyId"]);
        var secret = NonEmpty(section["SecretAccessKey"]);
        if (accessKey is null || secret is null)
        {
            throw new InvalidOperationException(
                $"No access key is configured: set {Section}:AccessKeyId and {Section}:SecretAccessKey (the AppHost passes its " +
                "aws-access-key-id / aws-secret-access-key parameters). Routes are AWS_IAM; they are never served anonymously.");
        }

        var options = new GatewayOptions
        {
            Region = region,
            Credentials = [new SigV4Credentials(accessKey, secret, NonEmpty(section["SessionToken"]))],
            FunctionArn = $"arn:aws:lambda:{region}:000000000000:function:flasky",
        };
        if (NonEmpty(section["Stage"]) is { } stage)
        {
            options = options with { Stage = stage };
        }

        if (double.TryParse(section["IntegrationTimeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            options = options with { IntegrationTimeout = TimeSpan.FromSeconds(seconds) };
        }

        if (long.TryParse(section["MaxRequestBodyBytes"], System.Globalization.CultureInfo.InvariantCulture, out var maxRequest) && maxRequest > 0)
        {
            options = options with { MaxRequestBodyBytes = maxRequest };
        }

        if (long.TryParse(section["MaxInvocationPayloadBytes"], System.Globalization.CultureInfo.InvariantCulture, out var maxPayload) && maxPayload > 0)
        {
            options = options with { MaxInvocationPayloadBytes = maxPayload };
        }

        return options;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
