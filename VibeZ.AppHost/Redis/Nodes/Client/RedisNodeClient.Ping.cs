namespace VibeZ.Redis;

/// <summary>Whether a node answers at all: the question the fault commands and tests ask while a node is down or busy.</summary>
internal sealed partial class RedisNodeClient
{
    /// <summary>Whether the node answers <c>PING</c> with <c>PONG</c>, the connection and login included, within <paramref name="within"/>.</summary>
    public static async Task<bool> AnswersAsync(RedisNodeAddress address, TimeSpan within, CancellationToken cancellationToken) =>
        (await PingAsync(address, within, cancellationToken)).Answered;

    /// <summary>Sends <c>PING</c> on a fresh connection and says whether <c>PONG</c> came back within <paramref name="within"/>, and what came back instead.</summary>
    public static async Task<(bool Answered, string Seen)> PingAsync(RedisNodeAddress address, TimeSpan within, CancellationToken cancellationToken)
    {
        await using var client = new RedisNodeClient(address, within);
        try
        {
            var reply = await client.QueryAsync(["PING"], cancellationToken);
            return (reply == "PONG", reply);
        }
        catch (RedisNodeException ex)
        {
            return (false, ex.Message);
        }
    }
}
