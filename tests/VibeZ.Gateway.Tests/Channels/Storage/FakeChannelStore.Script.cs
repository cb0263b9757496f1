using VibeZ.Channels.Publishing;

namespace VibeZ.Gateway.Tests.Channels.Storage;

/// <summary>What a test does to the store behind the Gateway's back (other Gateways' publishes, lost live commits, trims, expiry, lost writes, held or interrupted subscribes), and what it reads back.</summary>
internal sealed partial class FakeChannelStore
{
    /// <summary>
    /// Publishes as another Gateway would (knowing nothing): appended and committed at once; with <paramref name="live"/>
    /// false the live commit is lost, and with <paramref name="commit"/> false it stays appended but invisible.
    /// </summary>
    public ChannelMessage Append(string channel, string data = "{}", string? id = null, bool live = true, bool commit = true)
    {
        List<Subscription> subscriptions;
        ChannelCommit? announced = null;
        ChannelMessage message;
        lock (_lock)
        {
            var state = EpochFor(channel, known: null);
            var (offset, _) = AppendOne(state, new PublishRequest(channel, Scope, id ?? Guid.NewGuid().ToString("N"), data));
            message = state.History.Single(m => m.Offset == offset);
            if (commit)
            {
                announced = CommitUpTo(state, offset);
            }

            subscriptions = live ? [.. state.Subscriptions] : [];
        }

        Announce(subscriptions, announced);
        return message;
    }

    /// <summary>Publishes <paramref name="count"/> messages; see <see cref="Append"/>.</summary>
    public IReadOnlyList<ChannelMessage> AppendMany(string channel, int count, bool live = true) =>
        [.. Enumerable.Range(0, count).Select(_ => Append(channel, live: live))];

    /// <summary>Hands a commit of exactly <paramref name="message"/> to the live subscribers (again).</summary>
    public void RaiseLive(string channel, ChannelMessage message)
    {
        List<Subscription> subscriptions;
        ChannelCommit commit;
        lock (_lock)
        {
            var state = State(channel);
            var previous = state.History.FirstOrDefault(m => m.Epoch == message.Epoch && m.Offset == message.Offset - 1);
            commit = new ChannelCommit(message.Epoch, message.Offset, new ChannelMark(new ChannelPosition(message.Epoch, message.Offset - 1), previous?.Id), [message]);
            subscriptions = [.. state.Subscriptions];
        }

        Announce(subscriptions, commit);
    }

    /// <summary>Tells subscribers of the store that the live feed may have missed messages (a reconnect, a failover).</summary>
    public void InterruptLiveFeed() => LiveFeedInterrupted?.Invoke();

    /// <summary>Drops all but the last <paramref name="keep"/> messages of the history; the counter stays.</summary>
    public void Trim(string channel, int keep)
    {
        lock (_lock)
        {
            var history = State(channel).History;
            history.RemoveRange(0, Math.Max(0, history.Count - keep));
        }
    }

    /// <summary>The channel's keys expired while it was idle: reads find no history, and the next publish starts a new epoch.</summary>
    public void Expire(string channel)
    {
        lock (_lock)
        {
            var state = State(channel);
            state.Epoch = null;
            state.Offset = 0;
            state.Committed = 0;
            state.History.Clear();
            state.Ids.Clear();
        }
    }

    /// <summary>A failover to a replica that had not received the last <paramref name="count"/> writes, commits included.</summary>
    public void LoseWrites(string channel, int count)
    {
        lock (_lock)
        {
            var state = State(channel);
            state.Offset -= count;
            state.Committed = Math.Min(state.Committed, state.Offset);
            state.History.RemoveAll(m => m.Offset > state.Offset);
            foreach (var id in state.Ids.Where(e => e.Value.Offset > state.Offset).Select(e => e.Key).ToList())
            {
                state.Ids.Remove(id);
            }
        }
    }

    /// <summary>Makes subscribes wait until <see cref="ReleaseSubscribes"/>, as they do while Redis fails over.</summary>
    public void HoldSubscribes()
    {
        lock (_lock)
        {
            _subscribeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseSubscribes()
    {
        lock (_lock)
        {
            _subscribeGate?.TrySetResult();
            _subscribeGate = null;
        }
    }

    /// <summary>Gets the channel's epoch and committed offset without changing them, or null without history.</summary>
    public ChannelPosition? Position(string channel)
    {
        lock (_lock)
        {
            var state = State(channel);
            return state.Epoch is null ? null : new ChannelPosition(state.Epoch, state.Committed);
        }
    }

    /// <summary>Gets the channel's offset counter, committed or not.</summary>
    public long Appended(string channel)
    {
        lock (_lock)
        {
            return State(channel).Offset;
        }
    }

    /// <summary>Gets how many live subscriptions of the channel are open.</summary>
    public int OpenSubscriptions(string channel)
    {
        lock (_lock)
        {
            return State(channel).Subscriptions.Count;
        }
    }
}
