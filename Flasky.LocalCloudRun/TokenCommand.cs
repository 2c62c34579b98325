using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Flasky.LocalCloudRun;

/// <summary>
/// <c>token [--audience URL] [--lifetime SECONDS] [--email EMAIL]</c>: prints one fresh ID token signed with the local
/// key, for <c>curl -H "Authorization: Bearer $(…)"</c>. The local counterpart of
/// <c>gcloud auth print-identity-token --audiences=URL</c>.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";

    private const string Usage = "Usage: Flasky.LocalCloudRun token [--audience URL] [--lifetime SECONDS] [--email EMAIL]";

    public static int Run(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(time);
        var options = FrontOptions.From(configuration);
        var audience = options.ResolveAudience();
        var lifetime = IdTokens.DefaultLifetime;
        var email = IdTokens.LocalDeveloper;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--audience" when Uri.TryCreate(value, UriKind.Absolute, out _):
                    audience = value!;
                    i++;
                    break;
                case "--lifetime" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 3600:
                    lifetime = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case "--email" when !string.IsNullOrWhiteSpace(value):
                    email = value;
                    i++;
                    break;
                default:
                    error.WriteLine($"Unexpected or invalid argument \"{args[i]}\" (--audience needs an absolute URL, --lifetime 1-3600 seconds).");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        SigningKey key;
        try
        {
            key = options.LoadSigningKey();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        using (key)
        {
            output.WriteLine(IdTokens.Create(key, audience, time.GetUtcNow(), lifetime, email));
        }

        return 0;
    }
}
