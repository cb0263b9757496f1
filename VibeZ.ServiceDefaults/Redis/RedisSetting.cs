namespace VibeZ.ServiceDefaults.Redis;

/// <summary>
/// One setting of the contract: the environment variable and its alias in the <c>Redis</c> section.
/// </summary>
internal sealed record RedisSetting(string Variable, string SectionKey)
{
    public static readonly RedisSetting Mode = new("REDIS_MODE", "Redis:Mode");
    public static readonly RedisSetting Url = new("REDIS_URL", "Redis:Url");
    public static readonly RedisSetting ClusterNodes = new("REDIS_CLUSTER_NODES", "Redis:ClusterNodes");
    public static readonly RedisSetting Sentinels = new("REDIS_SENTINELS", "Redis:Sentinels");
    public static readonly RedisSetting SentinelName = new("REDIS_SENTINEL_NAME", "Redis:SentinelName");
    public static readonly RedisSetting Password = new("REDIS_PASSWORD", "Redis:Password");
    public static readonly RedisSetting Username = new("REDIS_USERNAME", "Redis:Username");
    public static readonly RedisSetting SentinelPassword = new("REDIS_SENTINEL_PASSWORD", "Redis:SentinelPassword");
    public static readonly RedisSetting NatMap = new("REDIS_NAT_MAP", "Redis:NatMap");
    public static readonly RedisSetting Tls = new("REDIS_TLS", "Redis:Tls");
    public static readonly RedisSetting TlsCaFile = new("REDIS_TLS_CA_FILE", "Redis:TlsCaFile");
}
