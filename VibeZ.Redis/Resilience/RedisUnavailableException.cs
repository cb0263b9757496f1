namespace VibeZ.Redis.Resilience;

/// <summary>
/// Thrown when a Redis operation could not be completed because Redis was unreachable or failing over for longer
/// than the resilience budget allowed; <see cref="Exception.InnerException"/> is the last error seen.
/// </summary>
public sealed class RedisUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="operationName"/>.</summary>
    /// <param name="operationName">The name the caller gave the operation.</param>
    /// <param name="attempts">How many times the operation was sent.</param>
    /// <param name="elapsed">How long the caller waited in total.</param>
    /// <param name="message">What happened, naming the operation and the last error.</param>
    /// <param name="innerException">The last error seen.</param>
    public RedisUnavailableException(string operationName, int attempts, TimeSpan elapsed, string message, Exception innerException)
        : base(message, innerException)
    {
        OperationName = operationName;
        Attempts = attempts;
        Elapsed = elapsed;
    }

    /// <summary>Gets the name the caller gave the operation.</summary>
    public string OperationName { get; }

    /// <summary>Gets how many times the operation was sent.</summary>
    public int Attempts { get; }

    /// <summary>Gets how long the caller waited in total.</summary>
    public TimeSpan Elapsed { get; }
}
