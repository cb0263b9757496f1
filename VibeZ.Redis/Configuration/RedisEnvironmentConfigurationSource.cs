using Microsoft.Extensions.Configuration;

namespace VibeZ.Redis.Configuration;

/// <summary>
/// Puts each <c>REDIS_*</c> key (environment variables arrive as top-level keys) under its <c>Redis:</c> property, so
/// that <see cref="RedisOptions"/> is bound from one section. Added after the other sources, the variable wins over the
/// section's own key, except that a blank variable does not hide a section key that has a value.
/// </summary>
/// <param name="configuration">
/// The configuration the variables and the section are read from: the host's <see cref="ConfigurationManager"/>, which
/// loads a source as it is added, so that it holds the sources added before this one.
/// </param>
internal sealed class RedisEnvironmentConfigurationSource(IConfiguration configuration) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(configuration);

    /// <summary>
    /// Names the key a bound value came from, for messages: the variable when it was mapped (the section key then holds
    /// the variable's value) or when neither is set, otherwise the section key.
    /// </summary>
    public static string SettingOf(IConfiguration configuration, string property)
    {
        var variable = RedisOptions.Variables[property];
        var key = ConfigurationPath.Combine(RedisOptions.Section, property);
        return configuration[key] is { } value && value != configuration[variable] ? key : variable;
    }

    private sealed class Provider(IConfiguration configuration) : ConfigurationProvider
    {
        public override void Load()
        {
            foreach (var (property, variable) in RedisOptions.Variables)
            {
                var key = ConfigurationPath.Combine(RedisOptions.Section, property);
                if (configuration[variable] is { } value
                    && (!string.IsNullOrWhiteSpace(value) || string.IsNullOrWhiteSpace(configuration[key])))
                {
                    Data[key] = value;
                }
            }
        }
    }
}
