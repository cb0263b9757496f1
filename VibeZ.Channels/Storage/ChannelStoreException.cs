namespace VibeZ.Channels.Storage;

/// <summary>A channel operation that did not complete; <see cref="Code"/> is what clients see.</summary>
public sealed class ChannelStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The protocol's error code, e.g. <c>redis_unavailable</c>.</param>
    /// <param name="message">What happened.</param>
    /// <param name="retryable">Whether sending the same request again may succeed.</param>
    /// <param name="innerException">The cause.</param>
    public ChannelStoreException(string code, string message, bool retryable, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Retryable = retryable;
    }

    /// <summary>Gets the protocol's error code.</summary>
    public string Code { get; }

    /// <summary>Gets a value indicating whether sending the same request again may succeed.</summary>
    public bool Retryable { get; }
}
