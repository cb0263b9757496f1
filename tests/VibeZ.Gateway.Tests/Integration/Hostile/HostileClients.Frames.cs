using System.Net.WebSockets;
using System.Text;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

internal static partial class HostileClients
{
    /// <summary>Publishes about 5000 frames a second, far past the rate limit, until the Gateway closes it.</summary>
    public static Task<HostileTally> FloodAsync(GatewayProcess gateway, CancellationToken stop) =>
        RoundsAsync("flood", gateway, stop, async (client, round) =>
        {
            for (var i = 0; !client.Ended && !stop.IsCancellationRequested; i++)
            {
                if (!await TrySendAsync(client, new { type = "publish", channel = "flood", data = i, id = $"f-{round}-{i}" }))
                {
                    return;
                }

                if (i % 50 == 49)
                {
                    await PauseAsync(TimeSpan.FromMilliseconds(10), stop);
                }
            }
        });

    /// <summary>Subscribes to and unsubscribes from 16 channels, about 500 frames a second: past the rate limit.</summary>
    public static Task<HostileTally> ChurnAsync(GatewayProcess gateway, CancellationToken stop) =>
        RoundsAsync("churn", gateway, stop, async (client, _) =>
        {
            for (var i = 0; !client.Ended && !stop.IsCancellationRequested; i++)
            {
                var channel = $"churn-{i % 16}";
                if (!await TrySendAsync(client, new { type = "subscribe", channel, id = $"s-{i}" })
                    || !await TrySendAsync(client, new { type = "unsubscribe", channel, id = $"u-{i}" }))
                {
                    return;
                }

                if (i % 25 == 24)
                {
                    await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
                }
            }
        });

    /// <summary>Sends 256 KiB frames (four times <c>Gateway:MaxMessageBytes</c>) until the Gateway closes it.</summary>
    public static Task<HostileTally> OversizeAsync(GatewayProcess gateway, CancellationToken stop)
    {
        var frame = Encoding.UTF8.GetBytes($$"""{"type":"publish","channel":"big","data":"{{new string('x', 256 * 1024)}}"}""");
        return RoundsAsync("oversize", gateway, stop, async (client, _) =>
        {
            while (!client.Ended && !stop.IsCancellationRequested)
            {
                if (!await TrySendAsync(client, () => client.SendRawAsync(frame, WebSocketMessageType.Text)))
                {
                    return;
                }

                await PauseAsync(TimeSpan.FromMilliseconds(20), stop);
            }
        });
    }
}
