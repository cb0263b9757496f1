using VibeZ.Redis;

namespace VibeZ.Worker.Registry;

/// <summary>Settings of the Gateway registry's cleanup (section <c>Registry</c>, environment <c>Registry__…</c>).</summary>
internal sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Gets or sets the seconds between cleanups; the lease that keeps it to one Worker lives three of them.</summary>
    /// <value>The default value is 5; it must be from 0.1 to 3600.</value>
    [SettingRange(SectionName, 0.1, 3600)]
    public double CleanupIntervalSeconds { get; set; } = 5;

    public TimeSpan CleanupInterval => TimeSpan.FromSeconds(CleanupIntervalSeconds);
}
