using StackExchange.Redis;

namespace VibeZ.Channels.Storage;

/// <summary>What a client may do about an error reply Redis gave (<c>redis_refused</c>).</summary>
internal static class RedisRefusals
{
    /// <summary>
    /// Whether the same request may pass if sent again unchanged. <c>BUSY</c> says another client's script is running
    /// past <c>busy-reply-threshold</c>: it ends (or is killed) and then the same request passes. <c>OOM</c>,
    /// <c>NOPERM</c> and a failing script stay until an operator acts.
    /// </summary>
    public static bool PassesLater(RedisServerException refusal) =>
        refusal.Message.StartsWith("BUSY ", StringComparison.Ordinal);
}
