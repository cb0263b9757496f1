using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// Reads the keys <c>Gateway:Auth</c> names: the HMAC secret (text, or <c>base64:</c> bytes) and a PEM public key.
/// The keys themselves are Microsoft.IdentityModel's types; nothing here signs or verifies.
/// </summary>
internal static class GatewaySigningKeys
{
    public const string Base64Prefix = "base64:";

    private static readonly string[] HmacAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];

    private static readonly string[] PublicKeyAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static bool IsHmac(string algorithm) => HmacAlgorithms.Contains(algorithm, StringComparer.Ordinal);

    public static bool IsPublicKey(string algorithm) => PublicKeyAlgorithms.Contains(algorithm, StringComparer.Ordinal);

    public static string SupportedAlgorithms => string.Join(", ", HmacAlgorithms.Concat(PublicKeyAlgorithms));

    /// <summary>The secret's bytes, or null (with the reason, which never quotes the secret) when it is not usable.</summary>
    public static byte[]? TryReadSecret(string? signingKey, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(signingKey))
        {
            error = "is not set";
            return null;
        }

        byte[] bytes;
        if (signingKey.StartsWith(Base64Prefix, StringComparison.Ordinal))
        {
            try
            {
                bytes = Convert.FromBase64String(signingKey[Base64Prefix.Length..]);
            }
            catch (FormatException)
            {
                error = $"starts with '{Base64Prefix}' but the rest is not base64 (value not shown)";
                return null;
            }
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(signingKey);
        }

        if (bytes.Length < GatewayDefaults.MinSigningKeyBytes)
        {
            error = $"is {bytes.Length} bytes long (value not shown); it must be at least {GatewayDefaults.MinSigningKeyBytes} bytes (256 bits)";
            return null;
        }

        return bytes;
    }

    /// <summary>The RSA or EC public key in <paramref name="pem"/>, or null with the reason.</summary>
    public static AsymmetricSecurityKey? TryReadPublicKey(string? pem, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(pem))
        {
            error = "is not set";
            return null;
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            // Not RSA: an EC key is the other kind a PEM public key can be.
        }

        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return new ECDsaSecurityKey(ecdsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            error = "holds no RSA or EC public key in PEM: " + ex.Message;
            return null;
        }
    }

    /// <summary>Every key the options name that their algorithms use, for <c>IssuerSigningKeys</c>.</summary>
    public static IReadOnlyList<SecurityKey> Read(GatewayAuthOptions options)
    {
        var keys = new List<SecurityKey>();
        if (options.EffectiveAlgorithms.Any(IsHmac) && TryReadSecret(options.SigningKey, out _) is { } secret)
        {
            keys.Add(new SymmetricSecurityKey(secret));
        }

        if (options.EffectiveAlgorithms.Any(IsPublicKey) && !string.IsNullOrWhiteSpace(options.PublicKeyPem) && TryReadPublicKey(options.PublicKeyPem, out _) is { } publicKey)
        {
            keys.Add(publicKey);
        }

        return keys;
    }
}
