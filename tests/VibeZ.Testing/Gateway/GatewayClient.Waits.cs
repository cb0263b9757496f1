using System.Text.Json.Nodes;

namespace VibeZ.Testing.Gateway;

/// <summary>Waiting for frames: each wait has a timeout and, when it gives up, says what it waited for and what it got.</summary>
public sealed partial class GatewayClient
{
    /// <summary>Waits for the first frame (after index <paramref name="after"/>) that matches.</summary>
    public Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, string what, TimeSpan? timeout = null, int after = 0) =>
        WaitUntilAsync(frames => frames.Skip(after).FirstOrDefault(match), what, timeout);

    /// <summary>Waits until <paramref name="count"/> frames match.</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForCountAsync(Func<JsonObject, bool> match, int count, string what, TimeSpan? timeout = null)
    {
        // Frames only ever get appended: each check counts the new ones, so a wait for thousands stays linear.
        var (have, counted) = (0, 0);
        await WaitUntilAsync(
            frames =>
            {
                for (; counted < frames.Count; counted++)
                {
                    have += match(frames[counted]) ? 1 : 0;
                }

                return have >= count ? frames[0] : null;
            },
            $"{count} {what}", timeout, () => $"have {have}");
        return [.. Frames.Where(match)];
    }

    /// <summary>Checks the frames each time more arrive until <paramref name="probe"/> finds what it wants.</summary>
    private async Task<JsonObject> WaitUntilAsync(Func<IReadOnlyList<JsonObject>, JsonObject?> probe, string what, TimeSpan? timeout, Func<string>? progress = null)
    {
        var limit = timeout ?? TestWait.Timeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Read "ended" first: a connection that ended before the frames were read has no frames still to come.
            var ended = Ended;
            var frames = Frames;
            if (frames.Count > 0 && probe(frames) is { } found)
            {
                return found;
            }

            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || ended)
            {
                throw new TimeoutException(
                    $"{Name} gave up after {clock.Elapsed.TotalSeconds:0.#} s waiting for {what} ({progress?.Invoke() ?? "not found"}); " +
                    $"connection {(ended ? $"ended ({CloseStatus} {CloseDescription})" : "open")}; " +
                    $"{frames.Count} frames, last: {string.Join(" | ", frames.TakeLast(3).Select(f => f.ToJsonString()))}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);

            // One check for all the frames that arrived meanwhile, not one per frame.
            while (_arrived.Wait(0))
            {
            }
        }
    }

    /// <summary>Waits until the Gateway ends the connection.</summary>
    public async Task WaitUntilClosedAsync(TimeSpan? timeout = null)
    {
        try
        {
            await _receiving.WaitAsync(timeout ?? TestWait.Timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{Name}: the Gateway did not close the connection in time; {Frames.Count} frames received.", ex);
        }
    }
}
