using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Flasky.LocalCloudRun;

/// <summary>
/// The RSA key pair that stands in for Google's token-signing keys locally. It is kept as base64 PKCS#8 (one line,
/// so it fits a user-secrets value and an environment variable); its key id is the RFC 7638 thumbprint of the public
/// key, so a token names exactly the key that signed it and a new key is a new kid.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa;

    private SigningKey(RSA rsa)
    {
        _rsa = rsa;
        var publicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false));
        KeyId = Base64UrlEncoder.Encode(publicKey.ComputeJwkThumbprint());
        // Microsoft.IdentityModel caches signature providers by key id across key objects; a key loaded again (the
        // same kid) after this one is disposed would otherwise be handed this one's disposed RSA.
        PrivateKey = new RsaSecurityKey(rsa) { KeyId = KeyId, CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        PublicKey = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false))
        {
            KeyId = KeyId,
            CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
        };
    }

    public string KeyId { get; }

    /// <summary>Signs tokens; never leaves this process except as the stored secret.</summary>
    public RsaSecurityKey PrivateKey { get; }

    /// <summary>Verifies tokens and is what the JWKS publishes.</summary>
    public RsaSecurityKey PublicKey { get; }

    /// <summary>A new 2048-bit key as base64 PKCS#8: what the AppHost stores on first run.</summary>
    public static string GeneratePkcs8Base64()
    {
        using var rsa = RSA.Create(2048);
        return Convert.ToBase64String(rsa.ExportPkcs8PrivateKey());
    }

    /// <exception cref="FormatException">The value is not base64 PKCS#8 of an RSA key of at least 2048 bits.</exception>
    public static SigningKey FromPkcs8Base64(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(value.Trim()), out _);
            if (rsa.KeySize < 2048)
            {
                throw new FormatException("The signing key must be an RSA key of at least 2048 bits.");
            }

            return new SigningKey(rsa);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();

            // The exception text could quote key material: say only what is wrong.
            throw new FormatException("The signing key is not a base64 PKCS#8 RSA private key.");
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>The public key as a JSON Web Key Set, in the shape of https://www.googleapis.com/oauth2/v3/certs.</summary>
    public object ToJwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(PublicKey);
        return new
        {
            keys = new[]
            {
                new { kty = jwk.Kty, alg = SecurityAlgorithms.RsaSha256, use = "sig", kid = KeyId, n = jwk.N, e = jwk.E },
            },
        };
    }

    public void Dispose() => _rsa.Dispose();
}
