using Microsoft.Extensions.Time.Testing;
using VibeZ.Channels.Delivery;

namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>The Gateway's bounded memory of each channel's last acked or delivered message (Gateway:MaxKnownChannels).</summary>
public sealed class KnownMarksTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void NeverHoldsMoreChannelsThanItsCap()
    {
        var marks = new KnownMarks(100, _time);

        for (var i = 0; i < 1000; i++)
        {
            marks.Observe($"c-{i}", Mark("e1", i + 1));
        }

        Assert.Equal(100, marks.Count);
        Assert.Equal(Mark("e1", 1000), marks.Get("c-999"));
        Assert.Null(marks.Get("c-899"));
    }

    [Fact]
    public void TheLeastRecentlyUsedIsForgottenFirstAndObservingOrReadingCountsAsAUse()
    {
        var marks = new KnownMarks(3, _time);
        marks.Observe("a", Mark("e1", 1));
        marks.Observe("b", Mark("e1", 1));
        marks.Observe("c", Mark("e1", 1));

        Assert.NotNull(marks.Get("a"));
        marks.Observe("b", Mark("e1", 2));
        var forgotten = marks.Observe("d", Mark("e1", 1));

        Assert.Equal("c", forgotten);
        Assert.Null(marks.Get("c"));
        Assert.Equal(Mark("e1", 1), marks.Get("a"));
        Assert.Equal(Mark("e1", 2), marks.Get("b"));
        Assert.Equal(Mark("e1", 1), marks.Get("d"));
    }

    [Fact]
    public void KeepsTheHighestOffsetOfAnEpochAndReplacesItOnANewEpoch()
    {
        var marks = new KnownMarks(10, _time);

        marks.Observe("a", Mark("e1", 5));
        marks.Observe("a", Mark("e1", 3));
        Assert.Equal(Mark("e1", 5), marks.Get("a"));

        marks.Observe("a", Mark("e2", 1));
        Assert.Equal(Mark("e2", 1), marks.Get("a"));
        Assert.Equal(1, marks.Count);
    }

    [Fact]
    public void ForgetsOnlyMarksUnusedForLongerThanTheAgeGiven()
    {
        var marks = new KnownMarks(10, _time);
        marks.Observe("idle", Mark("e1", 1));
        marks.Observe("read", Mark("e1", 1));
        _time.Advance(TimeSpan.FromSeconds(50));
        marks.Observe("busy", Mark("e1", 1));
        Assert.NotNull(marks.Get("read"));
        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(1, marks.ForgetOlderThan(TimeSpan.FromSeconds(60)));

        Assert.Null(marks.Get("idle"));
        Assert.NotNull(marks.Get("read"));
        Assert.NotNull(marks.Get("busy"));
    }

    [Fact]
    public void ACapBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new KnownMarks(0, _time));

    [Fact]
    public async Task ManyThreadsObservingReadingAndForgettingAtOnceKeepTheCapAndEveryChannelsHighestMark()
    {
        // As ChannelHub uses it: publishers and feeds observe from many threads, publishers read before each append,
        // and the resync timer forgets idle marks meanwhile.
        // Between two uses of a shared channel each worker adds at most ten channels of its own, so with this cap
        // the shared ones are never the least recently used, and the churn still fills the cap many times over.
        const int cap = 1000;
        var marks = new KnownMarks(cap, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var forgetting = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                marks.ForgetOlderThan(TimeSpan.FromHours(1));
                Assert.InRange(marks.Count, 0, cap);
            }
        }, TestContext.Current.CancellationToken);

        await Parallel.ForAsync(0, 8, TestContext.Current.CancellationToken, (worker, _) =>
        {
            for (var i = 1; i <= 20_000; i++)
            {
                // Ten channels every worker shares, whose offsets only go up, and channels of its own that churn.
                var shared = $"shared-{i % 10}";
                marks.Observe(shared, Mark("e1", i));
                marks.Observe($"own-{worker}-{i}", Mark("e1", 1));
                if (marks.Get(shared) is { } seen)
                {
                    Assert.Equal("e1", seen.Epoch);
                }
            }

            return ValueTask.CompletedTask;
        });
        await stop.CancelAsync();
        await TestWait.For(forgetting, "the forgetting thread to stop");

        Assert.Equal(cap, marks.Count);

        // Each shared channel has the highest offset any worker observed for it, whatever order they came in.
        for (var c = 0; c < 10; c++)
        {
            Assert.Equal(20_000 - ((20_000 - c) % 10), marks.Get($"shared-{c}")?.Offset);
        }
    }

    private static ChannelMark Mark(string epoch, long offset) => new(new ChannelPosition(epoch, offset), $"m{offset}");
}
