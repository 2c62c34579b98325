using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;

namespace Aspire.Hosting;

/// <summary>
/// Generates the local token-signing key: a 2048-bit RSA private key as one line of base64 PKCS#8. Aspire's
/// <see cref="GenerateParameterDefault"/> only makes random strings, and a key pair must be made by RSA key generation;
/// a parameter default (wrapped by <c>persist: true</c> in Aspire's user-secrets default) keeps the key where the
/// function key already lives — the AppHost's user secrets, generated on first run, reused after — with one writer,
/// the AppHost. The front's <c>token</c> command reads the same entry.
/// </summary>
internal sealed class TokenSigningKeyParameterDefault : ParameterDefault
{
    public override string GetDefaultValue()
    {
        using var rsa = RSA.Create(2048);
        return Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
    }

    /// <summary>Local development only: a deployment never gets this key, so the manifest carries no value for it.</summary>
    public override void WriteToManifest(ManifestPublishingContext context)
    {
    }
}
