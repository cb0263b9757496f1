using System.Net.Security;

namespace VibeZ.Redis;

/// <summary>Where one Redis node listens and how to log in to it.</summary>
/// <param name="Host">The address dialed, e.g. <c>127.0.0.1</c>; with TLS, the name the node's certificate must carry.</param>
/// <param name="Port">The node's port.</param>
/// <param name="User">The ACL user, or <see langword="null"/> for the <c>default</c> user.</param>
/// <param name="Password">The user's password.</param>
/// <param name="ServerCertificateValidation">Checks the node's certificate (the topology's own CA) when the node speaks TLS; <see langword="null"/> for plain text.</param>
internal sealed record RedisNodeAddress(string Host, int Port, string? User, string Password, RemoteCertificateValidationCallback? ServerCertificateValidation = null)
{
    /// <summary>Gets <c>host:port</c>, the way failure messages name the node.</summary>
    public override string ToString() => $"{Host}:{Port}";
}
