using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>What the session walk (G3–G5) keeps: per connection and channel, and per logical subscriber and channel.</summary>
public sealed partial class GuaranteeChecker
{
    /// <summary>One connection's subscription to one channel.</summary>
    private sealed class Session(string client, string connection, string channel, SubscriberTrack track)
    {
        public string Client { get; } = client;
        public string Connection { get; } = connection;
        public string Channel { get; } = channel;
        public SubscriberTrack Track { get; } = track;
        public bool Pending { get; set; }
        public Position? Since { get; set; }

        // The epoch the replay continues: since's, or the first epoch when since is a channel that had none.
        public string? ReplayEpoch { get; set; }
        public long Cursor { get; set; }
        public Position? Current { get; set; }
        public bool Subscribed { get; set; }
        public bool Closed { get; set; }
        public HashSet<Position> Seen { get; } = [];

        public bool IsOpen => Subscribed && !Pending && !Closed && Current is not null;
    }

    /// <summary>One logical subscriber's view of one channel, over all its connections.</summary>
    private sealed class SubscriberTrack
    {
        public List<Session> Sessions { get; } = [];
        public Dictionary<string, Observation.Delivered> Received { get; } = [];
        public HashSet<string> EpochsSeen { get; } = [];

        // Each recovered:false, with the epochs this subscriber had seen before it.
        public List<(Observation.Subscribed Signal, HashSet<string> EpochsBefore)> Signals { get; } = [];

        // Where its subscription began: the since of its first subscribe, or the position of its first subscribed frame.
        public (Position Position, TimeSpan At)? Start { get; set; }

        public TimeSpan? FirstSubscribeAt { get; set; }
    }
}
