using VibeZ.Redis;

namespace VibeZ.Worker.Canary;

/// <summary>Settings of the end-to-end canary (section <c>Canary</c>, environment <c>Canary__…</c>).</summary>
internal sealed partial class CanaryOptions
{
    public const string SectionName = "Canary";

    /// <summary>Gets or sets whether this Worker runs the canary.</summary>
    /// <value>The default value is <see langword="false"/>: a Worker not told where two Gateways are has nothing to probe.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the WebSocket address (<c>ws://…/ws</c>) of the Gateway the canary publishes through.</summary>
    public Uri? PublishVia { get; set; }

    /// <summary>Gets or sets the WebSocket address of the other Gateway, the one the canary subscribes through.</summary>
    public Uri? ReceiveVia { get; set; }

    /// <summary>Gets or sets the channel the canary uses; its token grants this channel only.</summary>
    /// <value>The default value is <c>vibez-canary</c>.</value>
    public string Channel { get; set; } = "vibez-canary";

    /// <summary>Gets or sets the seconds between rounds; /health turns Degraded after three without a round.</summary>
    /// <value>The default value is 5; it must be from 0.1 to 3600, checked even while the canary is off.</value>
    [SettingRange(SectionName, 0.1, 3600)]
    public double IntervalSeconds { get; set; } = 5;

    /// <summary>Gets or sets the Gateways' HMAC key (<c>Gateway:Auth:SigningKey</c>: its UTF-8 text, or <c>base64:</c> and its bytes).</summary>
    public string? SigningKey { get; set; }

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);
}
