namespace VibeZ.Redis;

/// <summary>A node answered a command with an error, or did not answer.</summary>
internal sealed class RedisNodeException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>Gets whether the node refused (an error reply, a refused login), rather than not answering at all.</summary>
    public bool IsErrorReply { get; init; }
}
