
namespace VibeZ.Redis.Configuration;

/// <summary>
/// The <c>Redis</c> section as written, bound once after <see cref="RedisEnvironmentConfigurationSource"/> has put each
/// <c>REDIS_*</c> variable in it; <see cref="Variables"/> names the variable of each property, and docs/configuration.md
/// describes them. The values stay text: <see cref="RedisSettingsReader"/> parses them, so that a bad one stops start-up
/// with a message naming the key it came from, which a binder's conversion error would not.
/// </summary>
internal sealed class RedisOptions
{
    /// <summary>The section the options are bound from.</summary>
    public const string Section = "Redis";

    /// <summary>Gets the <see cref="RedisContract"/> variable behind each property, by property name.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        [nameof(Mode)] = RedisContract.Mode,
        [nameof(Url)] = RedisContract.Url,
        [nameof(Sentinels)] = RedisContract.Sentinels,
        [nameof(SentinelName)] = RedisContract.SentinelName,
        [nameof(ClusterNodes)] = RedisContract.ClusterNodes,
        [nameof(Username)] = RedisContract.Username,
        [nameof(Password)] = RedisContract.Password,
        [nameof(SentinelPassword)] = RedisContract.SentinelPassword,
        [nameof(NatMap)] = RedisContract.NatMap,
        [nameof(Tls)] = RedisContract.Tls,
        [nameof(TlsCaFile)] = RedisContract.TlsCaFile,
    };

    public string? Mode { get; set; }
    public string? Url { get; set; }
    public string? Sentinels { get; set; }
    public string? SentinelName { get; set; }
    public string? ClusterNodes { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string? SentinelPassword { get; set; }
    public string? NatMap { get; set; }
    public string? Tls { get; set; }
    public string? TlsCaFile { get; set; }
}
