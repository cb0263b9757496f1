using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace VibeZ.AppHost.Gateway;

/// <summary>
/// How the AppHost runs the Gateway, read from the <c>VibeZ:Gateway</c> configuration section
/// (environment: <c>VibeZ__Gateway__…</c>; command line: <c>--VibeZ:Gateway:…=…</c>).
/// </summary>
internal sealed record GatewaySettings
{
    /// <summary>Gets the port of the proxy in front of every Gateway replica (<c>VibeZ:Gateway:Port</c>).</summary>
    /// <value>The default value is 8080.</value>
    public int Port { get; init; } = GatewayDefaults.Port;

    /// <summary>Gets how many Gateway processes run behind <see cref="Port"/> (<c>VibeZ:Gateway:Replicas</c>).</summary>
    /// <value>The default value is 2.</value>
    public int Replicas { get; init; } = GatewayDefaults.Replicas;

    /// <summary>Reads and validates the settings; a bad value throws an exception whose message names the setting.</summary>
    /// <param name="configuration">The AppHost's configuration.</param>
    public static GatewaySettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(GatewayDefaults.Section);
        var errors = new List<string>();

        var port = ReadInt(section, nameof(Port), GatewayDefaults.Port, errors);
        if (port is < 1 or > GatewayDefaults.HighestPort)
        {
            errors.Add($"{Key(nameof(Port))} is {port}, outside 1–{GatewayDefaults.HighestPort}.");
        }

        var replicas = ReadInt(section, nameof(Replicas), GatewayDefaults.Replicas, errors);
        if (replicas < 1)
        {
            errors.Add($"{Key(nameof(Replicas))} is {replicas}; at least one Gateway must run (the default is {GatewayDefaults.Replicas}).");
        }

        return errors.Count == 0
            ? new GatewaySettings { Port = port, Replicas = replicas }
            : throw new InvalidOperationException("The Gateway is misconfigured: " + string.Join(" ", errors));
    }

    private static string Key(string name) => $"{GatewayDefaults.Section}:{name}";

    private static int ReadInt(IConfigurationSection section, string name, int fallback, List<string> errors)
    {
        var value = section[name];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        errors.Add($"{Key(name)} is '{value}', which is not a whole number.");
        return fallback;
    }
}
