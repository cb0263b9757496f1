namespace VibeZ.Channels;

/// <summary>How the Gateway keeps channels and treats clients; bound from the <c>Gateway</c> section.</summary>
public sealed class GatewayOptions
{
    /// <summary>Gets or sets how many messages each channel keeps for recovery and the history API (<c>Gateway:HistoryLength</c>).</summary>
    /// <value>The default value is 1000; Redis trims lazily, so a little more may be kept.</value>
    public int HistoryLength { get; set; } = GatewayDefaults.HistoryLength;

    /// <summary>Gets or sets how long a channel without publishes keeps its history (<c>Gateway:ChannelTimeToLiveSeconds</c>).</summary>
    /// <value>The default value is 86400 (a day). When it runs out, the next publish starts a new epoch.</value>
    public double ChannelTimeToLiveSeconds { get; set; } = GatewayDefaults.ChannelTimeToLiveSeconds;

    /// <summary>Gets or sets how long a message id is remembered, so publishing it again is not a second message (<c>Gateway:DedupeWindowSeconds</c>).</summary>
    /// <value>The default value is 600.</value>
    public double DedupeWindowSeconds { get; set; } = GatewayDefaults.DedupeWindowSeconds;

    /// <summary>Gets or sets when a publish is acked (<c>Gateway:Durability</c>: <c>Replicated</c> or <c>Leader</c>).</summary>
    /// <value>The default value is <see cref="GatewayDurability.Replicated"/>.</value>
    public GatewayDurability Durability { get; set; } = GatewayDurability.Replicated;

    /// <summary>Gets or sets how long a publish waits for a replica's confirmation (<c>Gateway:ReplicationTimeoutMilliseconds</c>).</summary>
    /// <value>The default value is 1000; past it the client gets a retryable <c>not_replicated</c> error.</value>
    public int ReplicationTimeoutMilliseconds { get; set; } = GatewayDefaults.ReplicationTimeoutMilliseconds;

    /// <summary>Gets or sets the largest frame or HTTP body a client may send (<c>Gateway:MaxMessageBytes</c>).</summary>
    /// <value>The default value is 65536 (64 KiB).</value>
    public int MaxMessageBytes { get; set; } = GatewayDefaults.MaxMessageBytes;

    /// <summary>Gets or sets how many frames may wait for a slow client before it is disconnected (<c>Gateway:SendQueueCapacity</c>).</summary>
    /// <value>The default value is 1024.</value>
    public int SendQueueCapacity { get; set; } = GatewayDefaults.SendQueueCapacity;

    /// <summary>Gets or sets how many invalid frames a client may send before it is closed (<c>Gateway:MaxInvalidFrames</c>).</summary>
    /// <value>The default value is 10; each gets an <c>error</c> frame, the next one a policy-violation close.</value>
    public int MaxInvalidFrames { get; set; } = GatewayDefaults.MaxInvalidFrames;

    /// <summary>Gets or sets how often each subscribed channel is compared with Redis, to catch messages a dropped live feed missed (<c>Gateway:ResyncIntervalSeconds</c>).</summary>
    /// <value>The default value is 5.</value>
    public double ResyncIntervalSeconds { get; set; } = GatewayDefaults.ResyncIntervalSeconds;

    /// <summary>Gets or sets the most messages one history request or one resume returns (<c>Gateway:MaxHistoryPageSize</c>).</summary>
    /// <value>The default value is 1000.</value>
    public int MaxHistoryPageSize { get; set; } = GatewayDefaults.MaxHistoryPageSize;

    /// <summary>Gets or sets how many publishes one connection may have waiting for Redis (<c>Gateway:MaxPublishesInFlight</c>).</summary>
    /// <value>The default value is 1024; more get a retryable <c>too_many_publishes</c> error.</value>
    public int MaxPublishesInFlight { get; set; } = GatewayDefaults.MaxPublishesInFlight;

    /// <summary>
    /// Gets or sets the origins, besides the Gateway's own, whose pages may open <c>/ws</c> (<c>Gateway:AllowedOrigins</c>),
    /// such as <c>https://app.example.com</c>; <c>*</c> allows any.
    /// </summary>
    /// <value>The default value is null: only pages the Gateway itself served (the request's own host) may connect.</value>
    public string[]? AllowedOrigins { get; set; }

    internal TimeSpan ChannelTimeToLive => TimeSpan.FromSeconds(ChannelTimeToLiveSeconds);

    internal TimeSpan DedupeWindow => TimeSpan.FromSeconds(DedupeWindowSeconds);

    internal TimeSpan ResyncInterval => TimeSpan.FromSeconds(ResyncIntervalSeconds);
}
