using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The development TLS material of a topology (<c>VibeZ:Redis:Tls</c>): a CA and one node certificate that every node
/// and sentinel presents, generated at every start with <see cref="CertificateRequest"/>. The certificate names
/// 127.0.0.1 and localhost, where services and the AppHost dial, and in containers every node's name and fixed address
/// too, which replicas, sentinels, cluster peers and (through the NAT map) services dial and check it against.
/// The CA's private key never leaves memory: nothing signs after start-up, so nothing needs it.
/// </summary>
/// <param name="directory">The folder the files go to, inside the topology's data folder (mode 700); each file is 600.</param>
internal sealed class RedisTopologyTls(string directory)
{
    /// <summary>The folder name inside the topology's data folder.</summary>
    public const string FolderName = "tls";

    /// <summary>Where containers see the folder: a read-only bind mount, beside the node's own <c>/data</c>.</summary>
    public const string ContainerDirectory = "/tls";

    private const string CaCertificateFileName = "ca.crt";
    private const string CertificateFileName = "node.crt";
    private const string KeyFileName = "node.key";

    // Long enough for a development session of any length; the material is new at every start anyway.
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    // Clocks of processes on one machine agree, but a certificate that starts "now" is refused for a second by a
    // process whose clock reads just before.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private X509Certificate2? _authority;

    /// <summary>Gets the folder that holds the files.</summary>
    public string Directory { get; } = directory;

    /// <summary>Gets the CA certificate (PEM) nodes and clients trust: <c>tls-ca-cert-file</c> and <c>REDIS_TLS_CA_FILE</c>.</summary>
    public string CaCertificateFile => Path.Combine(Directory, CaCertificateFileName);

    /// <summary>Gets the node certificate (PEM): <c>tls-cert-file</c>.</summary>
    public string CertificateFile => Path.Combine(Directory, CertificateFileName);

    /// <summary>Gets the node's private key (PKCS#8 PEM): <c>tls-key-file</c>.</summary>
    public string KeyFile => Path.Combine(Directory, KeyFileName);

    /// <summary>
    /// Gets the three files as a node (or the cluster-create step) opens them: these paths for a local process, the
    /// read-only mount's (<see cref="ContainerDirectory"/>) in a container.
    /// </summary>
    /// <param name="runtime">How the node runs.</param>
    public (string CaCertificate, string Certificate, string Key) FilesFor(RedisRuntime runtime) => runtime is RedisRuntime.Container
        ? ($"{ContainerDirectory}/{CaCertificateFileName}", $"{ContainerDirectory}/{CertificateFileName}", $"{ContainerDirectory}/{KeyFileName}")
        : (CaCertificateFile, CertificateFile, KeyFile);

    /// <summary>Creates a new CA and node certificate; the AppHost's own probes trust the new CA from now on.</summary>
    /// <param name="now">The start of the certificates' validity (less a few minutes).</param>
    /// <param name="containerHosts">
    /// Every container node's name and fixed address, which the certificate must name too; none for local processes.
    /// </param>
    /// <returns>The PEM texts of the three files, for the caller to write with mode 600.</returns>
    public (string CaCertificate, string Certificate, string Key) Generate(DateTimeOffset now, IEnumerable<(string Name, IPAddress Address)> containerHosts)
    {
        ArgumentNullException.ThrowIfNull(containerHosts);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=VibeZ development Redis CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(now - Backdate, now + Lifetime);

        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nodeRequest = new CertificateRequest("CN=VibeZ Redis node", nodeKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Parse(RedisTopologyResource.HostAddress));
        names.AddDnsName("localhost");
        foreach (var (name, address) in containerHosts)
        {
            names.AddDnsName(name);
            names.AddIpAddress(address);
        }

        nodeRequest.CertificateExtensions.Add(names.Build(critical: false));
        nodeRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        nodeRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Server for clients, and client too: replicas, sentinels and cluster peers dial each other with the same certificate.
        nodeRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        nodeRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(nodeRequest.PublicKey, critical: false));
        nodeRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var node = nodeRequest.Create(ca, now - Backdate, now + Lifetime, RandomNumberGenerator.GetBytes(16));

        _authority = X509CertificateLoader.LoadCertificate(ca.RawData);
        return (ca.ExportCertificatePem(), node.ExportCertificatePem(), nodeKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// Accepts a node's certificate when it names the address dialed and chains to this topology's CA, and to nothing else
    /// (an <see cref="X509Chain"/> with a custom trust store): what services do with <c>REDIS_TLS_CA_FILE</c>.
    /// </summary>
    public bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        // The platform judged the chain against the system's roots, which do not hold this CA; the name check stands.
        if (_authority is null || certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var owned = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(owned ?? (X509Certificate2)certificate);
    }
}
