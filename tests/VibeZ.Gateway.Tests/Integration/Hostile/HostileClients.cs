using System.Net.WebSockets;

namespace VibeZ.Gateway.Tests.Integration.Hostile;

/// <summary>
/// Ways one client can misbehave on a Gateway (docs/limits.md), each run in rounds until stopped: a client the Gateway
/// closes is replaced by a new one, so the pressure lasts. Each returns a <see cref="HostileTally"/> of what it got.
/// </summary>
internal static partial class HostileClients
{
    // How long a round waits for the Gateway to close a client that earned it.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Connects a client per round, runs <paramref name="misbehave"/>, then records what the Gateway answered.</summary>
    private static async Task<HostileTally> RoundsAsync(string behaviour, GatewayProcess gateway, CancellationToken stop, Func<GatewayClient, int, Task> misbehave)
    {
        var tally = new HostileTally(behaviour);
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            await using var client = await GatewayClient.ConnectAsync(gateway, $"{behaviour}-{round}");
            Interlocked.Increment(ref tally.Rounds);
            await misbehave(client, round);
            if (!stop.IsCancellationRequested || client.Ended)
            {
                await client.WaitUntilClosedAsync(CloseTimeout);
                tally.Closes.Enqueue($"{(int?)client.CloseStatus} {client.CloseDescription}");
            }

            foreach (var frame in client.Frames)
            {
                tally.Count(GatewayClient.Is(frame, "error") ? (string?)frame["code"] ?? "(no code)" : (string?)frame["type"] ?? "(no type)");
            }

            await PauseAsync(TimeSpan.FromMilliseconds(100), stop);
        }

        return tally;
    }

    private static Task<bool> TrySendAsync(GatewayClient client, object frame) => TrySendAsync(client, () => client.SendAsync(frame));

    /// <summary>Sends, or says the Gateway closed the connection meanwhile (what most rounds end with).</summary>
    private static async Task<bool> TrySendAsync(GatewayClient client, Func<Task> send)
    {
        try
        {
            await send();
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task PauseAsync(TimeSpan pause, CancellationToken stop)
    {
        try
        {
            await Task.Delay(pause, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopped: the caller's loop ends.
        }
    }

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
