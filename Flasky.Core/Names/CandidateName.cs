using System.Text;

namespace Flasky.Core.Names;

/// <summary>
/// A valid candidate name: percent-decoded once, NFC-normalised, 1–128 Unicode scalar values,
/// no control characters, no slashes, no leading or trailing whitespace.
/// </summary>
public sealed record CandidateName
{
    public const int MaxLength = 128;

    private CandidateName(string value) => Value = value;

    /// <summary>The NFC form, as stored and returned in <c>CandidateName</c>.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>
    /// Null when the name may be written; otherwise the 400 detail. Names that break the spoofing rule
    /// (<see cref="InvisibleCharacters"/>) are valid to read — items stored before the rule stay addressable — but no
    /// POST creates or changes one.
    /// </summary>
    public string? RefusalForWriting() =>
        InvisibleCharacters.FindRefused(Value) is { } rune
            ? $"The name must not contain invisible formatting characters (found U+{rune.Value:X4}): names that look the same must be the same candidate."
            : null;

    /// <summary>Parses a raw (still percent-encoded) path segment.</summary>
    public static NameParseResult FromPathSegment(string rawSegment)
    {
        ArgumentNullException.ThrowIfNull(rawSegment);
        var decoded = PercentEncoding.TryDecode(rawSegment);
        return decoded is null ? NameParseResult.Invalid(NameError.BadEncoding) : FromDecoded(decoded);
    }

    /// <summary>Validates and normalises an already decoded name (for stores reading back what they hold).</summary>
    public static NameParseResult FromDecoded(string decoded)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        if (!IsWellFormedUtf16(decoded))
        {
            return NameParseResult.Invalid(NameError.BadEncoding);
        }

        if (!decoded.IsNormalized(NormalizationForm.FormC))
        {
            decoded = decoded.Normalize(NormalizationForm.FormC);
        }

        var length = 0;
        foreach (var rune in decoded.EnumerateRunes())
        {
            if (IsControl(rune))
            {
                return NameParseResult.Invalid(NameError.ControlCharacter);
            }

            if (rune.Value is '/' or '\\')
            {
                return NameParseResult.Invalid(NameError.Slash);
            }

            length++;
        }

        if (length == 0)
        {
            return NameParseResult.Invalid(NameError.Empty);
        }

        if (length > MaxLength)
        {
            return NameParseResult.Invalid(NameError.TooLong);
        }

        if (Rune.IsWhiteSpace(Rune.GetRuneAt(decoded, 0)) || IsWhiteSpaceAtEnd(decoded))
        {
            return NameParseResult.Invalid(NameError.EdgeWhitespace);
        }

        return NameParseResult.Valid(new CandidateName(decoded));
    }

    private static bool IsWellFormedUtf16(string value)
    {
        var remaining = value.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            remaining = remaining[consumed..];
        }

        return true;
    }

    private static bool IsControl(Rune rune) =>
        rune.Value is <= 0x1F or (>= 0x7F and <= 0x9F);

    private static bool IsWhiteSpaceAtEnd(string value)
    {
        var status = Rune.DecodeLastFromUtf16(value, out var last, out _);
        return status == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(last);
    }
}

/// <summary>Why a name was rejected; each maps to one sentence of the 400 problem's detail.</summary>
public enum NameError
{
    None,
    BadEncoding,
    Empty,
    TooLong,
    ControlCharacter,
    Slash,
    EdgeWhitespace,
}

public readonly record struct NameParseResult(CandidateName? Name, NameError Error)
{
    public bool IsValid => Name is not null;

    internal static NameParseResult Valid(CandidateName name) => new(name, NameError.None);

    internal static NameParseResult Invalid(NameError error) => new(null, error);

    public string Describe() => Error switch
    {
        NameError.None => "The name is valid.",
        NameError.BadEncoding => "The name is not valid percent-encoded UTF-8.",
        NameError.Empty => "The name must not be empty.",
        NameError.TooLong => $"The name must be at most {CandidateName.MaxLength} characters long.",
        NameError.ControlCharacter => "The name must not contain control characters.",
        NameError.Slash => "The name must not contain '/' or '\\'.",
        NameError.EdgeWhitespace => "The name must not start or end with whitespace.",
        _ => "The name is not valid.",
    };
}
