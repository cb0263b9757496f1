using CsCheck;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Tests.Configuration;

/// <summary>
/// Hostile <c>REDIS_*</c> values, generated: the reader returns settings or throws one
/// <see cref="RedisConfigurationException"/> naming the setting at fault, and never echoes a password.
/// </summary>
public sealed class RedisSettingsReaderFuzzTests
{
    private const string Secret = "s3cret-value";

    private static readonly string[] Variables =
    [
        "REDIS_MODE", "REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINELS", "REDIS_SENTINEL_NAME", "REDIS_PASSWORD",
        "REDIS_USERNAME", "REDIS_SENTINEL_PASSWORD", "REDIS_NAT_MAP",
    ];

    private static readonly string[] Pieces =
    [
        "single", "sentinel", "cluster", "redis://", "rediss://", "localhost", "127.0.0.1", "[::1]", "::1", ":", "::", ",",
        "=", "@", "/", "?", "#", "%", "%zz", ":0", ":6379", ":65536", ":-1", ":99999999999", " ", "", "mymaster",
        "user:pw@", "\u00e9", "\ud83d\ude00", "a=b", "host:1=127.0.0.1:2", "\t", "\n",
    ];

    private static readonly Gen<string> Value = Gen.OneOf(
        Gen.OneOf(Pieces).Array[0, 6].Select(string.Concat),
        Gen.String[0, 40]);

    private static readonly Gen<(string Key, string? Value)[]> Settings =
        Gen.Select(Gen.OneOf(Variables), Value).Select(s => (s.Item1, (string?)s.Item2)).Array[0, 6]
        .Select(settings => settings.DistinctBy(s => s.Item1).ToArray());

    [Fact]
    public void AnyValuesGiveSettingsOrOneErrorNamingTheSettingAtFault() =>
        Settings.Sample(settings =>
        {
            try
            {
                RedisSettingsReader.Read(TestConfiguration.From(settings));
                return true;
            }
            catch (RedisConfigurationException ex)
            {
                // A mode may name a setting it needs and did not get (REDIS_SENTINELS for sentinel).
                return Variables.Contains(ex.Setting) && ex.Message.Contains(ex.Setting, StringComparison.Ordinal);
            }
        }, iter: 20_000);

    [Fact]
    public void NoErrorRepeatsAPassword() =>
        Gen.Select(Settings, Gen.OneOf("REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD", "REDIS_URL")).Sample(NoErrorRepeatsTheSecret, iter: 20_000);

    private static bool NoErrorRepeatsTheSecret((string Key, string? Value)[] settings, string secretKey)
    {
        (string Key, string? Value)[] all = [.. settings.Where(s => s.Key != secretKey), (secretKey, secretKey == "REDIS_URL" ? $"redis://user:{Secret}@host:notaport" : Secret)];
        try
        {
            RedisSettingsReader.Read(TestConfiguration.From(all));
            return true;
        }
        catch (RedisConfigurationException ex)
        {
            return !ex.Message.Contains(Secret, StringComparison.Ordinal);
        }
    }
}
