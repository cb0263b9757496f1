using System.Text.Json;
using VibeZ.Channels.Broadcasts;

namespace VibeZ.Gateway.Tests.Channels.Broadcasts;

public sealed class BroadcastRequestReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    public static TheoryData<string, string> BadBodies => new()
    {
        { "[1]", "" },
        { """{"data":1}""", "channel" },
        { """{"channel":"bad name","data":1}""", "channel" },
        { """{"channel":"$system","data":1}""", "channel" },
        { """{"channel":7,"data":1}""", "channel" },
        { """{"channel":"room"}""", "data" },
        { """{"channel":"room","data":null}""", "data" },
        { """{"channel":"room","data":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "data" },
        { """{"channel":"room","data":1,"id":""}""", "id" },
        { """{"channel":"room","data":1,"id":"has space"}""", "id" },
        { """{"channel":"room","data":1,"id":5}""", "id" },
        { """{"channel":"room","data":1,"deliverAt":"tomorrow"}""", "deliverAt" },
        { """{"channel":"room","data":1,"deliverAt":"2026-12-05T07:00:00"}""", "deliverAt" },
        { """{"channel":"room","data":1,"deliverAt":12345}""", "deliverAt" },
        { """{"channel":"room","data":1,"deliverAt":"2026-12-12T06:00:00.001Z"}""", "deliverAt" },
        { """{"channel":"room","data":1,"delayMs":-1}""", "delayMs" },
        { """{"channel":"room","data":1,"delayMs":1.5}""", "delayMs" },
        { """{"channel":"room","data":1,"delayMs":"10"}""", "delayMs" },
        { """{"channel":"room","data":1,"delayMs":604800001}""", "delayMs" },
        { """{"channel":"room","data":1,"delayMs":99999999999999999}""", "delayMs" },
        { """{"channel":"room","data":1,"delayMs":10,"deliverAt":"2026-12-05T07:00:00Z"}""", "delayMs" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void ABadBodyIsRefusedNamingTheField(string body, string field)
    {
        Assert.False(Read(body, out var request, out var error), $"accepted {request}");
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void AnImmediateBroadcastIsDueNowWithANewId()
    {
        Assert.True(Read("""{"channel":"room-1","data":{"a":[1,2]}}""", out var request, out var error), error?.Message);

        Assert.Equal("room-1", request.Channel);
        Assert.Equal("""{"a":[1,2]}""", request.Data);
        Assert.Equal(Now, request.DeliverAt);
        Assert.Equal(32, request.Id.Length);
    }

    [Fact]
    public void DeliverAtKeepsTheGivenInstantAndOffset()
    {
        Assert.True(Read("""{"channel":"room","data":"x","id":"r-1","deliverAt":"2026-12-05T08:30:00+01:00"}""", out var request, out var error), error?.Message);

        Assert.Equal("r-1", request.Id);
        Assert.Equal(Now.AddMinutes(90), request.DeliverAt);
    }

    [Fact]
    public void DelayMsCountsFromNowAndTheLimitItselfIsAllowed()
    {
        Assert.True(Read("""{"channel":"room","data":1,"delayMs":604800000}""", out var request, out var error), error?.Message);

        Assert.Equal(Now + MaxDelay, request.DeliverAt);
    }

    [Fact]
    public void ATimeInThePastIsDueNowNeverEarlier()
    {
        Assert.True(Read("""{"channel":"room","data":1,"deliverAt":"2020-01-01T00:00:00Z"}""", out var request, out var error), error?.Message);

        Assert.Equal(Now, request.DeliverAt);
    }

    private static bool Read(string body, out BroadcastRequest request, out BroadcastInputError error)
    {
        using var document = JsonDocument.Parse(body);
        var ok = BroadcastRequestReader.TryRead(document.RootElement, Now, MaxDelay, maxDataBytes: 100, out var read, out var failure);
        request = read!;
        error = failure!;
        return ok;
    }
}
