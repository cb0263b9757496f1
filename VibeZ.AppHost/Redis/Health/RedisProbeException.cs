namespace Aspire.Hosting.ApplicationModel;

/// <summary>A node answered a probe with an error, or did not answer.</summary>
internal sealed class RedisProbeException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>Gets whether the node answered with an error reply (a refusal), rather than not answering at all.</summary>
    public bool IsErrorReply { get; init; }
}
