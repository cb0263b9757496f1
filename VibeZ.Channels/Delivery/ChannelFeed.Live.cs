namespace VibeZ.Channels.Delivery;

/// <summary>The live fast path of <see cref="ChannelFeed"/>: commits from the Redis subscription, delivered when they continue the last message.</summary>
internal sealed partial class ChannelFeed
{
    private Task OnLiveAsync(ChannelCommit commit)
    {
        if (_delivered is not { } delivered)
        {
            // Not synced yet: the first join reads the position, which includes this commit.
            return Task.CompletedTask;
        }

        if (delivered.Epoch.Length == 0 && commit.Previous.Offset == 0)
        {
            // The channel's first epoch, from its start: nothing was there before it to lose or to check.
            delivered = new ChannelMark(new ChannelPosition(commit.Epoch, 0), null);
            MoveTo(delivered);
        }

        if (commit.Epoch != delivered.Epoch || commit.Messages.Count == 0)
        {
            // Another history, or a commit too long to announce: find out from Redis what happened.
            return commit.UpTo > delivered.Offset || commit.Epoch != delivered.Epoch ? CatchUpAsync(checkPending: false) : Task.CompletedTask;
        }

        // The commit must continue the very message delivered last, not only its offset; a commit that ends before
        // it is either late or a sign the history rolled back, and only Redis can tell which.
        if (commit.Previous.Offset > delivered.Offset || commit.UpTo < delivered.Offset || !Continues(commit, delivered))
        {
            return CatchUpAsync(checkPending: false);
        }

        foreach (var message in commit.Messages)
        {
            if (message.Offset > delivered.Offset)
            {
                Deliver(message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the commit names the same message at <paramref name="delivered"/>'s offset, where it names one and both ids are known.</summary>
    private static bool Continues(ChannelCommit commit, ChannelMark delivered)
    {
        if (delivered.Id is null || delivered.Offset == 0)
        {
            return true;
        }

        var there = commit.Previous.Offset == delivered.Offset ? commit.Previous.Id
            : commit.Messages.FirstOrDefault(m => m.Offset == delivered.Offset)?.Id;
        return there is null || there == delivered.Id;
    }
}
