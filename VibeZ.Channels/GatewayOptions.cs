using VibeZ.Channels.Publishing;
using VibeZ.Redis;

namespace VibeZ.Channels;

/// <summary>How the Gateway keeps channels and treats clients; bound from the <c>Gateway</c> section.</summary>
public sealed partial class GatewayOptions
{
    private const string Section = GatewayDefaults.SectionName;

    /// <summary>Gets or sets how many messages each channel keeps for recovery and the history API (<c>Gateway:HistoryLength</c>).</summary>
    /// <value>The default value is 1000; Redis trims lazily, so a little more may be kept.</value>
    [SettingRange(Section, HistoryLengthMinimum, HistoryLengthMaximum)]
    public int HistoryLength { get; set; } = GatewayDefaults.HistoryLength;

    /// <summary>Gets or sets how long a channel without publishes keeps its history (<c>Gateway:ChannelTimeToLiveSeconds</c>).</summary>
    /// <value>The default value is 86400 (a day). When it runs out, the next publish starts a new epoch.</value>
    [SettingRange(Section, 1, 365 * 86_400)]
    public double ChannelTimeToLiveSeconds { get; set; } = GatewayDefaults.ChannelTimeToLiveSeconds;

    /// <summary>Gets or sets how long a message id is remembered, so publishing it again is not a second message (<c>Gateway:DedupeWindowSeconds</c>).</summary>
    /// <value>The default value is 600.</value>
    [SettingRange(Section, 1, 7 * 86_400)]
    public double DedupeWindowSeconds { get; set; } = GatewayDefaults.DedupeWindowSeconds;

    /// <summary>Gets or sets when a publish is acked (<c>Gateway:Durability</c>: <c>Replicated</c> or <c>Leader</c>).</summary>
    /// <value>The default value is <see cref="GatewayDurability.Replicated"/>.</value>
    public GatewayDurability Durability { get; set; } = GatewayDurability.Replicated;

    /// <summary>Gets or sets how long a publish waits for a replica's confirmation (<c>Gateway:ReplicationTimeoutMilliseconds</c>).</summary>
    /// <value>The default value is 1000; past it the client gets a retryable <c>not_replicated</c> error.</value>
    [SettingRange(Section, 1, 60_000)]
    public int ReplicationTimeoutMilliseconds { get; set; } = GatewayDefaults.ReplicationTimeoutMilliseconds;

    /// <summary>Gets or sets the largest frame or HTTP body a client may send (<c>Gateway:MaxMessageBytes</c>).</summary>
    /// <value>The default value is 65536 (64 KiB).</value>
    [SettingRange(Section, MaxMessageBytesMinimum, MaxMessageBytesMaximum)]
    public int MaxMessageBytes { get; set; } = GatewayDefaults.MaxMessageBytes;

    /// <summary>
    /// Gets or sets how many bytes of frames may wait for a slow client before it is closed with 1008
    /// <c>send queue overflow</c> (<c>Gateway:SendQueueBytes</c>). Acks and errors owed to the client's own publishes
    /// do not count: <see cref="MaxPublishesInFlight"/> bounds them.
    /// </summary>
    /// <value>The default value is 1048576 (1 MiB); one frame always fits into an empty queue.</value>
    [SettingRange(Section, 1024, 1024 * 1024 * 1024)]
    public int SendQueueBytes { get; set; } = GatewayDefaults.SendQueueBytes;

    /// <summary>Gets or sets how long one socket write may take before the client is closed as not reading (<c>Gateway:WriteTimeoutSeconds</c>).</summary>
    /// <value>The default value is 10; it is what closes a client whose TCP window stays at zero.</value>
    [SettingRange(Section, 0.1, 3600)]
    public double WriteTimeoutSeconds { get; set; } = GatewayDefaults.WriteTimeoutSeconds;

    /// <summary>Gets or sets how long a client may leave the Gateway's WebSocket ping unanswered before it is aborted (<c>Gateway:KeepAliveTimeoutSeconds</c>).</summary>
    /// <value>The default value is 30; pings go out every 15 s. 0 switches the timeout off (pings are still sent).</value>
    [SettingRange(Section, 0, 3600)]
    public double KeepAliveTimeoutSeconds { get; set; } = GatewayDefaults.KeepAliveTimeoutSeconds;

    /// <summary>Gets or sets how many invalid frames a client may send before it is closed (<c>Gateway:MaxInvalidFrames</c>).</summary>
    /// <value>The default value is 10; each gets an <c>error</c> frame, the next one a policy-violation close.</value>
    [SettingRange(Section, 0, 1_000_000)]
    public int MaxInvalidFrames { get; set; } = GatewayDefaults.MaxInvalidFrames;

    /// <summary>Gets or sets how often each subscribed channel is compared with Redis, to catch messages a dropped live feed missed (<c>Gateway:ResyncIntervalSeconds</c>).</summary>
    /// <value>The default value is 5.</value>
    [SettingRange(Section, 0.1, 3600)]
    public double ResyncIntervalSeconds { get; set; } = GatewayDefaults.ResyncIntervalSeconds;

    /// <summary>
    /// Gets or sets how often a Gateway refreshes its presence members and its registry entry, in one pipeline
    /// (<c>Gateway:PresenceHeartbeatSeconds</c>). Entries live <see cref="GatewayDefaults.PresenceTimeToLiveHeartbeats"/>
    /// heartbeats, which bounds how long a killed Gateway's members stay listed.
    /// </summary>
    /// <value>The default value is 5 (entries live 15 s).</value>
    [SettingRange(Section, 0.1, 3600)]
    public double PresenceHeartbeatSeconds { get; set; } = GatewayDefaults.PresenceHeartbeatSeconds;

    /// <summary>
    /// Gets or sets the most messages one page of history holds (<c>Gateway:MaxHistoryPageSize</c>): one answer of the
    /// history API, or one read of a resume or catch-up, which reads page after page until it is caught up.
    /// </summary>
    /// <value>The default value is 300.</value>
    [SettingRange(Section, 1, 100_000)]
    public int MaxHistoryPageSize { get; set; } = GatewayDefaults.MaxHistoryPageSize;

    /// <summary>
    /// Gets or sets the most bytes of messages one page of history holds (<c>Gateway:MaxHistoryPageBytes</c>); a page
    /// ends at whichever of this and <see cref="MaxHistoryPageSize"/> comes first, and says where the next one starts.
    /// </summary>
    /// <value>
    /// The default value is 1048576 (1 MiB). It must be at least <c>Gateway:MaxMessageBytes</c> + 4096, so that a page
    /// always holds the largest message.
    /// </value>
    [SettingRange(Section, MaxHistoryPageBytesMinimum, MaxHistoryPageBytesMaximum)]
    public int MaxHistoryPageBytes { get; set; } = GatewayDefaults.MaxHistoryPageBytes;

    /// <summary>
    /// Gets or sets how many history pages this Gateway reads from Redis at once (<c>Gateway:MaxConcurrentHistoryReads</c>):
    /// history API requests, resumes and catch-ups together.
    /// </summary>
    /// <value>
    /// The default value is 16. An HTTP read past it is refused with 429 <c>too_many_history_reads</c> (retryable); a
    /// resume or catch-up waits for a free place.
    /// </value>
    [SettingRange(Section, 1, 100_000)]
    public int MaxConcurrentHistoryReads { get; set; } = GatewayDefaults.MaxConcurrentHistoryReads;

    /// <summary>Gets or sets how many publishes one connection may have unanswered: waiting for Redis, or their ack or error not yet written to the socket (<c>Gateway:MaxPublishesInFlight</c>).</summary>
    /// <value>The default value is 1024; with that many out, the Gateway stops reading the connection's socket until one is answered (TCP back-pressure).</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int MaxPublishesInFlight { get; set; } = GatewayDefaults.MaxPublishesInFlight;

    /// <summary>Gets or sets how many channels one connection may be subscribed to at once (<c>Gateway:MaxChannelsPerConnection</c>).</summary>
    /// <value>The default value is 128; one more gets a <c>too_many_channels</c> error.</value>
    [SettingRange(Section, 1, 100_000)]
    public int MaxChannelsPerConnection { get; set; } = GatewayDefaults.MaxChannelsPerConnection;

    /// <summary>
    /// Gets or sets how many frames (commands) one connection may send per second, on average (<c>Gateway:CommandsPerSecond</c>):
    /// the refill rate of the connection's token bucket. Every frame counts, subscribes and unsubscribes too.
    /// </summary>
    /// <value>The default value is 1000; a frame past the bucket gets a retryable <c>rate_limited</c> error.</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int CommandsPerSecond { get; set; } = GatewayDefaults.CommandsPerSecond;

    /// <summary>Gets or sets how many frames one connection may send at once before <c>Gateway:CommandsPerSecond</c> applies (<c>Gateway:CommandBurst</c>): the bucket's size.</summary>
    /// <value>The default value is 2000. A client whose refused frames in a row exceed it is closed (1008, policy violation).</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int CommandBurst { get; set; } = GatewayDefaults.CommandBurst;

    /// <summary>Gets or sets how many WebSocket connections one IP address may hold on this Gateway (<c>Gateway:MaxConnectionsPerIp</c>).</summary>
    /// <value>The default value is 256; one more upgrade is refused with 429 and <c>too_many_connections</c>.</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int MaxConnectionsPerIp { get; set; } = GatewayDefaults.MaxConnectionsPerIp;

    /// <summary>
    /// Gets or sets how many HTTP requests one IP address may send this Gateway a second, WebSocket upgrades included
    /// (<c>Gateway:HttpRequestsPerSecondPerIp</c>), as a token bucket of <see cref="HttpRequestBurstPerIp"/>. Checked
    /// before the token is, so a flood costs no token validation; <c>/health</c> and <c>/alive</c> are not counted.
    /// </summary>
    /// <value>The default value is 1000; past it the request gets 429 and <c>rate_limited</c> (retryable).</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int HttpRequestsPerSecondPerIp { get; set; } = GatewayDefaults.HttpRequestsPerSecondPerIp;

    /// <summary>Gets or sets how many HTTP requests one IP address may send at once (<c>Gateway:HttpRequestBurstPerIp</c>): the bucket's size.</summary>
    /// <value>The default value is 2000.</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int HttpRequestBurstPerIp { get; set; } = GatewayDefaults.HttpRequestBurstPerIp;

    /// <summary>
    /// Gets or sets how many WebSocket connections this Gateway holds in total (<c>Gateway:MaxConnections</c>); Kestrel's
    /// <c>MaxConcurrentUpgradedConnections</c> is set to it as a backstop.
    /// </summary>
    /// <value>The default value is 10000; one more upgrade is refused with 503 and <c>gateway_full</c>.</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int MaxConnections { get; set; } = GatewayDefaults.MaxConnections;

    /// <summary>
    /// Gets or sets how many TCP connections this Gateway holds that are not WebSockets (<c>Gateway:MaxHttpConnections</c>):
    /// HTTP requests, idle keep-alive connections and handshakes still being sent. Kestrel's
    /// <c>MaxConcurrentConnections</c> is set to it; a connection that upgrades to a WebSocket gives its place back
    /// and counts against <see cref="MaxConnections"/> instead.
    /// </summary>
    /// <value>The default value is 10000; one more is closed by Kestrel as soon as it is accepted, with no HTTP answer.</value>
    [SettingRange(Section, 1, 1_000_000)]
    public int MaxHttpConnections { get; set; } = GatewayDefaults.MaxHttpConnections;

    /// <summary>
    /// Gets or sets the most history one channel may hold in the worst case, <c>Gateway:MaxMessageBytes</c> ×
    /// <c>Gateway:HistoryLength</c> (<c>Gateway:MaxChannelHistoryBytes</c>): start-up fails when the two allow more,
    /// so one publisher cannot make a single channel hold more of Redis's memory than the operator agreed to.
    /// </summary>
    /// <value>The default value is 65536000 (about 62 MiB: 65536 × 1000, the product of the two defaults).</value>
    [SettingRange(Section, MaxChannelHistoryBytesMinimum, MaxChannelHistoryBytesMaximum)]
    public long MaxChannelHistoryBytes { get; set; } = GatewayDefaults.MaxChannelHistoryBytes;

    /// <summary>
    /// Gets or sets how long a client has to send a request's headers, a WebSocket upgrade's included
    /// (<c>Gateway:RequestHeadersTimeoutSeconds</c>); Kestrel's <c>RequestHeadersTimeout</c> is set to it, so a
    /// slow-loris client that trickles its headers byte by byte holds its connection this long at most.
    /// </summary>
    /// <value>The default value is 10; past it Kestrel answers 408 and closes the connection.</value>
    [SettingRange(Section, 0.1, 3600)]
    public double RequestHeadersTimeoutSeconds { get; set; } = GatewayDefaults.RequestHeadersTimeoutSeconds;

    /// <summary>
    /// Gets or sets how many channels' last acked or delivered positions this Gateway remembers
    /// (<c>Gateway:MaxKnownChannels</c>); the least recently used is forgotten first, so the memory a client can make
    /// the Gateway hold by publishing into ever new channels is bounded.
    /// </summary>
    /// <value>
    /// The default value is 100000 (a few tens of MB at most). A forgotten position is as if this Gateway had
    /// restarted for that channel: subscribed channels fall back to their feed's own position (docs/limits.md).
    /// </value>
    [SettingRange(Section, 1, 10_000_000)]
    public int MaxKnownChannels { get; set; } = GatewayDefaults.MaxKnownChannels;

    /// <summary>
    /// Gets or sets the origins, besides the Gateway's own, whose pages may open <c>/ws</c> (<c>Gateway:AllowedOrigins</c>),
    /// such as <c>https://app.example.com</c>; <c>*</c> allows any.
    /// </summary>
    /// <value>The default value is null: only pages the Gateway itself served (the request's own host) may connect.</value>
    public string[]? AllowedOrigins { get; set; }

    internal TimeSpan ChannelTimeToLive => TimeSpan.FromSeconds(ChannelTimeToLiveSeconds);

    internal TimeSpan DedupeWindow => TimeSpan.FromSeconds(DedupeWindowSeconds);

    internal TimeSpan RequestHeadersTimeout => TimeSpan.FromSeconds(RequestHeadersTimeoutSeconds);

    internal TimeSpan ResyncInterval => TimeSpan.FromSeconds(ResyncIntervalSeconds);

    internal TimeSpan PresenceHeartbeat => TimeSpan.FromSeconds(PresenceHeartbeatSeconds);

    internal TimeSpan PresenceTimeToLive => PresenceHeartbeat * GatewayDefaults.PresenceTimeToLiveHeartbeats;

    internal TimeSpan WriteTimeout => TimeSpan.FromSeconds(WriteTimeoutSeconds);

    /// <summary>Gets the most bytes one stored history entry takes in a Redis reply: the largest message and its frame around it.</summary>
    internal int HistoryEntryBytes => MaxMessageBytes + GatewayDefaults.HistoryEntryOverheadBytes;
}
