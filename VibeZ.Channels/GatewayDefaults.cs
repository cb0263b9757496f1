namespace VibeZ.Channels;

/// <summary>The Gateway's defaults and limits, in one place (Polly's <c>RetryConstants</c>).</summary>
internal static class GatewayDefaults
{
    public const string SectionName = "Gateway";

    public const int HistoryLength = 1000;

    // A day without a publish ends a channel's history; the next publish starts a new epoch.
    public const double ChannelTimeToLiveSeconds = 86_400;

    // Long enough for any client retry loop; dedupe keys cost one small key per message for this long.
    public const double DedupeWindowSeconds = 600;

    public const int ReplicationTimeoutMilliseconds = 1000;

    public const int MaxMessageBytes = 64 * 1024;

    // The two defaults above and below allow exactly this; raising one means lowering the other or this.
    public const long MaxChannelHistoryBytes = (long)MaxMessageBytes * HistoryLength;

    // A slow reader's slack, in bytes: many small messages or a few large ones, never 1024 × 64 KiB per client.
    public const int SendQueueBytes = 1024 * 1024;

    // A socket write that takes this long means the client's TCP window stayed shut: it is not reading at all.
    public const double WriteTimeoutSeconds = 10;

    // A client that answers no ping for this long is gone (a dead peer sends no FIN); 0 switches it off.
    public const double KeepAliveTimeoutSeconds = 30;

    public const int MaxInvalidFrames = 10;

    public const double ResyncIntervalSeconds = 5;

    // One pipeline per Gateway this often: cheap next to traffic, and short enough that a dead Gateway's members go soon.
    public const double PresenceHeartbeatSeconds = 5;

    // Two heartbeats may be lost (a failover, a GC pause) before a live Gateway's members expire.
    public const int PresenceTimeToLiveHeartbeats = 3;

    // Centrifugo's default: a page a browser renders at once; a longer resume or catch-up reads several pages.
    public const int MaxHistoryPageSize = 300;

    // Redis builds each history reply in memory before sending it, and the Gateway holds a page while it writes it out:
    // this bounds both, whatever the messages' size (16 messages of the largest size, thousands of small ones).
    public const int MaxHistoryPageBytes = 1024 * 1024;

    // What a stored history entry holds beyond a message's data: the frame's own fields (channel name up to 128
    // characters, epoch, offset, an id of up to 128 characters escaped as JSON), the publisher's identity, and Redis's
    // reply framing. A page asks Redis for only as many entries as fit its remaining bytes at this size each.
    public const int HistoryEntryOverheadBytes = 4096;

    // Enough for a Gateway's resumes and resyncs to proceed side by side; past it HTTP reads are refused and
    // WebSocket reads wait their turn, so a flood of reads queues in the Gateway instead of in Redis.
    public const int MaxConcurrentHistoryReads = 16;

    public const int MaxPublishesInFlight = 1024;

    // Centrifugo's default too: enough for a page's rooms, few enough that a resync of every channel stays cheap.
    public const int MaxChannelsPerConnection = 128;

    // Generous for any honest client (the LogVolume test publishes a few thousand a second over one socket and is
    // given more); what it stops is one socket churning subscribes into tens of thousands of Redis reads a second.
    public const int CommandsPerSecond = 1000;

    public const int CommandBurst = 2000;

    // A NAT or corporate proxy puts many users behind one address; the total below is the real ceiling.
    public const int MaxConnectionsPerIp = 256;

    public const int MaxConnections = 10_000;

    // Plain HTTP connections are short or idle keep-alives (Kestrel holds one 130 s); as many as WebSockets is far
    // above an honest load and bounds what sockets that never upgrade (slow loris, idle keep-alives) can hold.
    public const int MaxHttpConnections = 10_000;

    // Like CommandsPerSecond: far above a browser or a backend behind one address, low enough that one address cannot
    // make the Gateway validate tokens as fast as it can send requests.
    public const int HttpRequestsPerSecondPerIp = 1000;

    public const int HttpRequestBurstPerIp = 2000;

    public const int UpgradedConnectionsMargin = 64;

    // Kestrel's own default is 30 s; an honest client sends its headers in one packet, so a third of that is plenty.
    public const double RequestHeadersTimeoutSeconds = 10;

    // A mark is a channel name, an epoch and an id: a few hundred bytes, so the cap is tens of MB at most.
    public const int MaxKnownChannels = 100_000;

    // Refused IPs are logged once each, like origins; past this many distinct ones, a single line says further ones are not.
    public const int MaxLoggedAddresses = 100;

    public const int MaxMessageIdLength = 128;

    // Offsets travel as JSON numbers to browsers, where integers past 2^53 - 1 are no longer exact; no channel gets
    // near it (a million messages a second for 285 years), so anything larger a client sends is an error, not a read.
    public const long MaxOffset = 9_007_199_254_740_991;

    // One publish batch goes to Redis as one script: large enough to carry a busy channel's messages in a few round
    // trips, small enough that one script never holds Redis for long.
    public const int MaxPublishBatchMessages = 256;

    public const int MaxPublishBatchBytes = 512 * 1024;

    public const string AuthSectionName = SectionName + ":Auth";

    public const string Algorithm = "HS256";

    // HMAC-SHA256 is only as strong as its key: 256 bits, which Microsoft.IdentityModel also insists on.
    public const int MinSigningKeyBytes = 32;

    // Long enough for a client to fetch a new token from its backend; the token is never honoured past its exp (plus
    // the clock skew), so this is how early the Gateway asks.
    public const double RefreshGraceSeconds = 30;

    // Clocks of the token issuer and the Gateway may disagree a little; Microsoft.IdentityModel's default is 5 minutes.
    public const double ClockSkewSeconds = 30;

    // A browser's socket has no Authorization header: it has this long to send its connect frame.
    public const double ConnectTimeoutSeconds = 10;

    public const double DevTokenLifetimeSeconds = 300;

    // Refused origins are logged once each; past this many distinct ones, a single line says further ones are not.
    public const int MaxLoggedOrigins = 100;
}
