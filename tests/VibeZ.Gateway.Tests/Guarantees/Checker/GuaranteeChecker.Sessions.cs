using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Checker;

/// <summary>
/// G3 (exactly once, in order), G4 (no silent gap) and G5 (resume), walked per connection and channel in arrival
/// order; and the <c>recovered:false</c> frames G2 forbids after a single fault.
/// </summary>
public sealed partial class GuaranteeChecker
{
    private Dictionary<(string Client, string Channel), SubscriberTrack> CheckSessions()
    {
        var sessions = new Dictionary<(string Connection, string Channel), Session>();
        var subscribers = new Dictionary<(string Client, string Channel), SubscriberTrack>();
        Session SessionOf(Observation o, string channel)
        {
            var track = subscribers.TryGetValue((o.Client, channel), out var t) ? t : subscribers[(o.Client, channel)] = new SubscriberTrack();
            if (!sessions.TryGetValue((o.Connection, channel), out var session))
            {
                sessions[(o.Connection, channel)] = session = new Session(o.Client, o.Connection, channel, track);
                track.Sessions.Add(session);
            }

            return session;
        }

        foreach (var observation in _observations)
        {
            switch (observation)
            {
                case Observation.SubscribeSent s:
                    var session = SessionOf(s, s.Channel);
                    (session.Pending, session.Since, session.ReplayEpoch, session.Cursor) = (true, s.Since, s.Since?.Epoch, s.Since?.Offset ?? 0);
                    session.Track.Start ??= s.Since is { } since ? (since, s.At) : null;
                    session.Track.FirstSubscribeAt ??= s.At;
                    break;
                case Observation.Subscribed s:
                    OnSubscribed(SessionOf(s, s.Channel), s);
                    break;
                case Observation.Delivered d:
                    OnDelivered(SessionOf(d, d.Channel), d);
                    break;
                case Observation.Closed c:
                    foreach (var closed in sessions.Values.Where(x => x.Connection == c.Connection))
                    {
                        closed.Closed = true;
                    }

                    break;
            }
        }

        foreach (var session in sessions.Values.Where(s => s.IsOpen))
        {
            CheckTrailingGap(session);
        }

        return subscribers;
    }

    private void OnSubscribed(Session session, Observation.Subscribed s)
    {
        var track = session.Track;
        if (!s.Recovered)
        {
            _signalledLosses++;
            track.Signals.Add((s, [.. track.EpochsSeen]));
            if (_expectations.SingleFault)
            {
                Violate("G2", s.Channel, s.Connection, s.At, $"recovered:false at {s.Position} (from {s.Node}) after a single fault");
            }
        }

        track.EpochsSeen.Add(s.Position.Epoch);
        if (session.Pending)
        {
            if (session.Since is { } since && s.Recovered)
            {
                if (session.ReplayEpoch != s.Position.Epoch)
                {
                    Violate("G5", s.Channel, s.Connection, s.At, $"resumed after {since} with recovered:true, but subscribed in another epoch at {s.Position}");
                }
                else if (session.Cursor != s.Position.Offset)
                {
                    Violate("G5", s.Channel, s.Connection, s.At,
                        $"resumed after {since} with recovered:true, but the replay ended at offset {session.Cursor} while the subscribed frame says {s.Position}");
                }
            }

            session.Track.Start ??= (s.Position, s.At);
            (session.Pending, session.Current, session.Subscribed) = (false, s.Position, true);
            return;
        }

        if (session.Current is { } current && s.Recovered && s.Position != current)
        {
            _silentGaps++;
            Violate("G4", s.Channel, s.Connection, s.At, $"a subscribed frame with recovered:true moved the position from {current} to {s.Position}");
        }
        else if (session.Current is null)
        {
            Violate("G3", s.Channel, s.Connection, s.At, $"a subscribed frame at {s.Position} without a subscribe");
        }

        session.Current = s.Position;
    }

    private void OnDelivered(Session session, Observation.Delivered d)
    {
        var track = session.Track;
        track.EpochsSeen.Add(d.Position.Epoch);
        var counted = false;
        if (!track.Received.TryAdd(d.Id, d))
        {
            var first = track.Received[d.Id];
            _duplicates++;
            counted = true;
            if (_expectations.SingleFault || !AfterSignalledLoss(track, first, d))
            {
                Violate("G3", d.Channel, d.Connection, d.At,
                    $"got {d.Id} again at {d.Position}; it got it first at {first.Position} on {first.Connection} at {first.At.TotalSeconds:0.000} s");
            }
        }

        if (session.Pending)
        {
            OnReplayed(session, d);
        }
        else if (session.Current is not { } current)
        {
            Violate("G3", d.Channel, d.Connection, d.At, $"got {d.Id} at {d.Position} without a subscription");
        }
        else if (session.Seen.Contains(d.Position))
        {
            _duplicates += counted ? 0 : 1;
            Violate("G3", d.Channel, d.Connection, d.At, $"got position {d.Position} a second time ({d.Id})");
        }
        else if (d.Position.Epoch != current.Epoch && current.Epoch.Length == 0 && current.Offset == 0 && d.Position.Offset == 1)
        {
            // A channel that had no history has no epoch; its first message names the epoch the first publish made.
            session.Current = d.Position;
        }
        else if (d.Position.Epoch != current.Epoch)
        {
            _silentGaps++;
            Violate("G4", d.Channel, d.Connection, d.At, $"got {d.Id} at {d.Position} while at {current}: a new epoch without a subscribed frame");
            session.Current = d.Position;
        }
        else if (d.Position.Offset > current.Offset + 1)
        {
            _silentGaps++;
            Violate("G4", d.Channel, d.Connection, d.At,
                $"got {d.Id} at {d.Position} right after {current}: offsets {current.Offset + 1}..{d.Position.Offset - 1} were skipped without recovered:false");
            session.Current = d.Position;
        }
        else if (d.Position.Offset <= current.Offset)
        {
            _reorders++;
            Violate("G3", d.Channel, d.Connection, d.At, $"got {d.Id} at {d.Position} after {current}: out of order");
        }
        else
        {
            session.Current = d.Position;
        }

        session.Seen.Add(d.Position);
    }

    /// <summary>
    /// Whether the second copy lies in an epoch the subscriber was told began with a loss (<c>recovered:false</c>) after
    /// it got the first copy. Once every copy of the data is gone, a client that sends the message again (a retry, or a
    /// resend of an acked one) makes a new message the dedupe cannot know; that counts as a duplicate, but is a
    /// violation only where no loss is allowed.
    /// </summary>
    // The signal names the new epoch, or no epoch at all: history gone, and the next publish makes the new one.
    private static bool AfterSignalledLoss(SubscriberTrack track, Observation.Delivered first, Observation.Delivered again) =>
        first.Position.Epoch != again.Position.Epoch
        && track.Signals.Any(s => (s.Signal.Position.Epoch == again.Position.Epoch || s.Signal.Position.Epoch.Length == 0)
            && s.Signal.At > first.At && s.Signal.At < again.At);

    /// <summary>A message before the <c>subscribed</c> frame: the replay after <c>since</c>, which must continue from it one by one.</summary>
    private void OnReplayed(Session session, Observation.Delivered d)
    {
        if (session.Since is not { } since)
        {
            Violate("G3", d.Channel, d.Connection, d.At, $"got {d.Id} at {d.Position} before the subscribed frame of a subscribe without since");
        }
        else if (session.ReplayEpoch is { Length: 0 } && session.Cursor == 0 && d.Position.Offset == 1)
        {
            // A resume from a channel that had no history (epoch "", offset 0): its first message names the epoch
            // the first publish made, as on the live path.
            (session.ReplayEpoch, session.Cursor) = (d.Position.Epoch, 1);
        }
        else if (d.Position.Epoch != session.ReplayEpoch || d.Position.Offset != session.Cursor + 1)
        {
            Violate("G5", d.Channel, d.Connection, d.At, $"the replay after {since} went from offset {session.Cursor} to {d.Position} ({d.Id})");
            session.Cursor = d.Position.Epoch == session.ReplayEpoch ? Math.Max(session.Cursor, d.Position.Offset) : session.Cursor;
        }
        else
        {
            session.Cursor++;
        }
    }

    /// <summary>An open session must have every message any client saw in its epoch after where it stands (G4).</summary>
    private void CheckTrailingGap(Session session)
    {
        var current = session.Current!.Value;
        var beyond = _names.Where(n => n.Key.Channel == session.Channel && n.Key.Position.Epoch == current.Epoch && n.Key.Position.Offset > current.Offset)
            .OrderBy(n => n.Key.Position.Offset).ToList();
        if (beyond.Count > 0)
        {
            _silentGaps++;
            var (first, last) = (beyond[0], beyond[^1]);
            Violate("G4", session.Channel, session.Connection, null,
                $"ended at {current}, but offsets up to {last.Key.Position.Offset} of its epoch exist without recovered:false; " +
                $"{first.Key.Position} is {string.Join(" / ", first.Value.Select(i => $"{i.Key} ({i.Value})"))}");
        }
    }
}
