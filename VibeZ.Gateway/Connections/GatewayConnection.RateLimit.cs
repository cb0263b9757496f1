using System.Net.WebSockets;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// Commands per second: every frame a client sends takes a token from its bucket (subscribes and unsubscribes too,
/// since subscribe churn is what costs Redis reads), so one socket cannot keep the Gateway and Redis busy for everyone.
/// </summary>
internal sealed partial class GatewayConnection
{
    /// <summary>
    /// Takes a token for one frame, or answers <c>rate_limited</c>. A client that keeps sending into an empty bucket,
    /// more than a whole burst of refused frames in a row, is not backing off: it is closed with 1008 (policy violation).
    /// </summary>
    private bool TakeCommandToken(ClientFrame frame)
    {
        // Made on the first frame, not with the connection: a connection that never sends one needs no bucket.
        _commands ??= new CommandBucket(_options.CommandBurst, _options.CommandsPerSecond, _auth.Time);
        if (_commands.TryTake())
        {
            _refusedInARow = 0;
            return true;
        }

        if (++_refusedInARow > _options.CommandBurst)
        {
            Close(WebSocketCloseStatus.PolicyViolation, $"rate limit: more than {_options.CommandBurst} frames in a row past Gateway:CommandsPerSecond ({_options.CommandsPerSecond})");
        }
        else
        {
            TrySend(ServerFrames.Error(frame.Id, frame.Channel.Length == 0 ? null : frame.Channel, GatewayErrorCodes.RateLimited,
                $"More than {_options.CommandsPerSecond} frames a second (Gateway:CommandsPerSecond); this one was not processed, send it again later.", retryable: true));
        }

        return false;
    }
}
