using Flasky.Core.Names;

namespace Flasky.Core.Http;

/// <summary>The decoded parameters of a raw query string. A parameter without <c>=</c> is present with an empty value.</summary>
public sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    private QueryParameters(List<KeyValuePair<string, string>> pairs) => _pairs = pairs;

    public static QueryParameters Parse(ReadOnlySpan<char> rawQuery)
    {
        if (!rawQuery.IsEmpty && rawQuery[0] == '?')
        {
            rawQuery = rawQuery[1..];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var range in rawQuery.Split('&'))
        {
            var part = rawQuery[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var equals = part.IndexOf('=');
            var key = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? [] : part[(equals + 1)..];

            // An undecodable parameter can't be one the API knows: keep it under its raw name.
            var decodedKey = PercentEncoding.TryDecode(key.ToString(), plusIsSpace: true) ?? key.ToString();
            var decodedValue = PercentEncoding.TryDecode(value.ToString(), plusIsSpace: true);
            pairs.Add(new(decodedKey, decodedValue ?? value.ToString()));
        }

        return new QueryParameters(pairs);
    }

    public bool Contains(string name) => _pairs.Exists(p => p.Key == name);

    /// <summary>The first value of the parameter, or null when it is absent.</summary>
    public string? Get(string name)
    {
        foreach (var pair in _pairs)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return null;
    }
}
