using System.Diagnostics;
using System.Text.Json.Nodes;
using VibeZ.Channels.Delivery;

namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>
/// A local subscriber that records every frame it is sent (each must be a JSON object), and that refuses frames
/// once it holds <paramref name="capacity"/> of them, as a connection whose send queue overflowed does.
/// </summary>
internal sealed class FakeSubscriber(string name, int capacity = int.MaxValue) : IChannelSubscriber
{
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _frames = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _refused;

    public string Name => name;

    /// <summary>Gets how many frames it refused.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public IReadOnlyList<JsonObject> Frames
    {
        get
        {
            lock (_lock)
            {
                return [.. _frames];
            }
        }
    }

    /// <summary>Gets the frames in short form: <c>message epoch:offset</c>, <c>subscribed epoch:offset recovered:true|false</c>.</summary>
    public IReadOnlyList<string> Seen => [.. Frames.Select(Describe)];

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            if (_frames.Count >= capacity)
            {
                _refused++;
                return false;
            }

            _frames.Add(JsonNode.Parse(frame.Span)!.AsObject());
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        return true;
    }

    /// <summary>Waits until the frames, in short form, satisfy <paramref name="done"/>; gives up saying what it saw.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<string>, bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            IReadOnlyList<string> seen;
            lock (_lock)
            {
                seen = [.. _frames.Select(Describe)];
                changed = _changed.Task;
            }

            if (done(seen))
            {
                return;
            }

            var left = TestWait.Timeout - clock.Elapsed;
            try
            {
                await changed.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, TestContext.Current.CancellationToken);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(
                    $"Gave up after {TestWait.Timeout.TotalSeconds:0} s waiting for {name} to get {what}; it got: [{string.Join(", ", seen)}]");
            }
        }
    }

    /// <summary>Waits until the last frame is <paramref name="last"/>.</summary>
    public Task WaitForAsync(string last) => WaitUntilAsync(seen => seen.Count > 0 && seen[^1] == last, $"'{last}' as its latest frame");

    /// <summary>Waits until it holds <paramref name="count"/> frames.</summary>
    public Task WaitForCountAsync(int count) => WaitUntilAsync(seen => seen.Count >= count, $"{count} frames");

    public override string ToString() => name;

    public static string Describe(JsonObject frame) => (string?)frame["type"] switch
    {
        "message" => $"message {frame["epoch"]}:{frame["offset"]}",
        "subscribed" => $"subscribed {frame["epoch"]}:{frame["offset"]} recovered:{((bool)frame["recovered"]! ? "true" : "false")}",
        var type => type ?? frame.ToJsonString(),
    };
}
