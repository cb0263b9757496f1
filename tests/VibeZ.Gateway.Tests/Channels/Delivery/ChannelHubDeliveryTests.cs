namespace VibeZ.Gateway.Tests.Channels.Delivery;

/// <summary>
/// Live delivery: every message once, in offset order, with whatever the live feed missed read from history, and a
/// slow subscriber dropped without holding up the others.
/// </summary>
public sealed partial class ChannelHubDeliveryTests
{
    private const string Channel = ChannelHubHarness.Channel;

    [Fact]
    public async Task LiveMessagesAreDeliveredOnceInOrder()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");

        harness.Store.AppendMany(Channel, 5);
        await subscriber.WaitForAsync("message epoch-1:5");

        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3", "message epoch-1:4", "message epoch-1:5"],
            subscriber.Seen);
    }

    [Fact]
    public async Task EverySubscriberGetsTheFrameAsThePublishScriptWroteIt()
    {
        await using var harness = new ChannelHubHarness();
        var alice = await harness.JoinAsync("alice");
        var bob = await harness.JoinAsync("bob");

        var message = harness.Store.Append(Channel, data: """{"text":"hi"}""", id: "m-1");
        await alice.WaitForAsync("message epoch-1:1");
        await bob.WaitForAsync("message epoch-1:1");

        var expected = """{"type":"message","channel":"room-1","offset":1,"epoch":"epoch-1","id":"m-1","data":{"text":"hi"}}""";
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(message.Frame.Span));
        Assert.Equal(expected, alice.Frames[^1].ToJsonString());
        Assert.Equal(expected, bob.Frames[^1].ToJsonString());
    }

    [Fact]
    public async Task ALiveMessageDeliveredBeforeIsDropped()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");
        var first = harness.Store.Append(Channel);
        var second = harness.Store.Append(Channel);

        harness.Store.RaiseLive(Channel, first);
        harness.Store.RaiseLive(Channel, second);
        harness.Store.Append(Channel);
        await subscriber.WaitForAsync("message epoch-1:3");

        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3"], subscriber.Seen);
    }

    [Fact]
    public async Task ASubscriberThatRefusesAFrameGetsNothingMoreWhileTheOthersGetEverything()
    {
        await using var harness = new ChannelHubHarness();
        var slow = await harness.JoinAsync("slow", capacity: 2);
        var fast = await harness.JoinAsync("fast");

        harness.Store.AppendMany(Channel, 5);
        await fast.WaitForAsync("message epoch-1:5");

        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], slow.Seen);
        Assert.Equal(1, slow.Refused);
        Assert.Equal(
            ["subscribed :0 recovered:true", "message epoch-1:1", "message epoch-1:2", "message epoch-1:3", "message epoch-1:4", "message epoch-1:5"],
            fast.Seen);
    }

    [Fact]
    public async Task ASubscriberThatLeftGetsNothingMore()
    {
        await using var harness = new ChannelHubHarness();
        var leaving = await harness.JoinAsync("leaving");
        var staying = await harness.JoinAsync("staying");
        harness.Store.Append(Channel);
        await leaving.WaitForAsync("message epoch-1:1");

        await harness.LeaveAsync(leaving);
        harness.Store.Append(Channel);
        await staying.WaitForAsync("message epoch-1:2");

        Assert.Equal(["subscribed :0 recovered:true", "message epoch-1:1"], leaving.Seen);
    }

    [Fact]
    public async Task DeliveredMessagesBecomeTheHubsKnownPosition()
    {
        await using var harness = new ChannelHubHarness();
        var subscriber = await harness.JoinAsync("alice");

        harness.Store.AppendMany(Channel, 3);
        await subscriber.WaitForAsync("message epoch-1:3");

        Assert.Equal(new ChannelPosition("epoch-1", 3), harness.Hub.Known(Channel)?.Position);
    }
}
