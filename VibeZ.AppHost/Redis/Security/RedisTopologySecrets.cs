namespace Aspire.Hosting.ApplicationModel;

/// <summary>The values of <see cref="RedisTopologyCredentials"/>, resolved once to write the nodes' config files.</summary>
internal sealed record RedisTopologySecrets(string Password, string ServicePassword, string SentinelPassword);
