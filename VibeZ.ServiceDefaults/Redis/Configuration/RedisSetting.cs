using VibeZ.Redis;

namespace VibeZ.ServiceDefaults.Redis.Configuration;

/// <summary>
/// One setting of <see cref="RedisContract"/>: the environment variable and its alias in the <c>Redis</c> section.
/// </summary>
internal sealed record RedisSetting(string Variable, string SectionKey)
{
    public static readonly RedisSetting Mode = new(RedisContract.Mode, "Redis:Mode");
    public static readonly RedisSetting Url = new(RedisContract.Url, "Redis:Url");
    public static readonly RedisSetting ClusterNodes = new(RedisContract.ClusterNodes, "Redis:ClusterNodes");
    public static readonly RedisSetting Sentinels = new(RedisContract.Sentinels, "Redis:Sentinels");
    public static readonly RedisSetting SentinelName = new(RedisContract.SentinelName, "Redis:SentinelName");
    public static readonly RedisSetting Password = new(RedisContract.Password, "Redis:Password");
    public static readonly RedisSetting Username = new(RedisContract.Username, "Redis:Username");
    public static readonly RedisSetting SentinelPassword = new(RedisContract.SentinelPassword, "Redis:SentinelPassword");
    public static readonly RedisSetting NatMap = new(RedisContract.NatMap, "Redis:NatMap");
    public static readonly RedisSetting Tls = new(RedisContract.Tls, "Redis:Tls");
    public static readonly RedisSetting TlsCaFile = new(RedisContract.TlsCaFile, "Redis:TlsCaFile");
}
