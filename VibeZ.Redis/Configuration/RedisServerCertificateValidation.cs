using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// Accepts a Redis server's certificate when it names the host dialed and chains to one of the authorities of
/// <c>REDIS_TLS_CA_FILE</c>, and to nothing else: the system's roots are not consulted, so a certificate a public
/// authority issued for the same name is refused. The chain is built by <see cref="X509Chain"/> with a custom trust store.
/// </summary>
internal static class RedisServerCertificateValidation
{
    public static RemoteCertificateValidationCallback TrustOnly(X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        return (_, certificate, presented, errors) => IsTrusted(certificate, presented, errors, authorities);
    }

    internal static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        // The platform's verdict on the chain is against the system's roots and is replaced below; a missing certificate
        // or a name that does not match is final.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A development CA publishes no revocation list; a production CA's would need a reachable URL Redis clients lack here.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var owned = certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        return chain.Build(owned ?? (X509Certificate2)certificate);
    }
}
