using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;

namespace Flasky.Functions.LocalHost;

/// <summary>
/// Function keys as the Functions host checks them: the <c>x-functions-key</c> header first, else the
/// <c>code</c> query parameter; a key of the function, a host key or the master key passes a function-level
/// function, only the master key an admin-level one.
/// </summary>
/// <remarks>
/// Configuration: <c>FunctionKeys:Master</c>, <c>FunctionKeys:Host:{name}</c>, <c>FunctionKeys:Functions:{function}:{name}</c>.
/// As in the host's <c>AuthenticationLevelHandler.GetAuthorizationKeyInfoAsync</c> (github.com/Azure/azure-functions-host,
/// src/WebJobs.Script.WebHost/Security/Authentication/Keys): a present header is the key even when it is empty (the
/// query is then not consulted), and of repeated values only the first counts. Keys compare as exact bytes
/// (<c>SecretManager.GetAuthorizationLevelAsync</c>: master key → admin level, host keys and the function's own keys →
/// function level). Whitespace around a header value is not part of it (HTTP strips it before any code sees it);
/// in the query it is part of the key. This local host has no system keys and no admin API.
/// </remarks>
internal sealed class FunctionKeys
{
    public const string Section = "FunctionKeys";
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    private readonly byte[]? _master;
    private readonly IReadOnlyList<byte[]> _hostKeys;
    private readonly Dictionary<string, IReadOnlyList<byte[]>> _functionKeys;

    private FunctionKeys(byte[]? master, IReadOnlyList<byte[]> hostKeys, Dictionary<string, IReadOnlyList<byte[]>> functionKeys)
    {
        _master = master;
        _hostKeys = hostKeys;
        _functionKeys = functionKeys;
    }

    /// <summary>Reads the keys; throws when none is configured, since serving without keys would be anonymous.</summary>
    public static FunctionKeys FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var master = Bytes(section["Master"]);
        var hostKeys = Values(section.GetSection("Host"));
        var functionKeys = section.GetSection("Functions").GetChildren()
            .ToDictionary(f => f.Key, Values, StringComparer.OrdinalIgnoreCase);

        if (master is null && hostKeys.Count == 0 && functionKeys.Values.All(k => k.Count == 0))
        {
            throw new InvalidOperationException(
                $"No function key is configured. Set {Section}:Master, {Section}:Host:<name> or {Section}:Functions:<function>:<name> " +
                "(for example the environment variable FunctionKeys__Host__default); the functions are never served without keys.");
        }

        return new FunctionKeys(master, hostKeys, functionKeys);
    }

    public bool IsAuthorized(HttpRequest request, string functionName, AuthorizationLevel level)
    {
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        string? presented = null;
        if (request.Headers.TryGetValue(HeaderName, out var header))
        {
            presented = header.FirstOrDefault();
        }
        else if (request.Query.TryGetValue(QueryName, out var query))
        {
            presented = query.FirstOrDefault();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var key = Encoding.UTF8.GetBytes(presented);
        if (Matches(_master, key))
        {
            return true;
        }

        if (level != AuthorizationLevel.Function)
        {
            return false;
        }

        return _hostKeys.Any(k => Matches(k, key))
            || (_functionKeys.TryGetValue(functionName, out var own) && own.Any(k => Matches(k, key)));
    }

    private static bool Matches(byte[]? expected, byte[] presented) =>
        expected is not null && CryptographicOperations.FixedTimeEquals(expected, presented);

    private static byte[]? Bytes(string? value) => string.IsNullOrEmpty(value) ? null : Encoding.UTF8.GetBytes(value);

    private static IReadOnlyList<byte[]> Values(IConfigurationSection section) =>
        [.. section.GetChildren().Select(c => Bytes(c.Value)).OfType<byte[]>()];
}
