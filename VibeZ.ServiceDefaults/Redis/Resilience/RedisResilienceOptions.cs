namespace VibeZ.ServiceDefaults.Redis.Resilience;

/// <summary>
/// How long and how often a Redis operation is retried while Redis fails over; bound from <c>Redis:Resilience</c>.
/// </summary>
public sealed class RedisResilienceOptions
{
    /// <summary>
    /// Gets or sets the total time an operation may take, all attempts and delays included (<c>Redis:Resilience:TotalTimeoutSeconds</c>).
    /// </summary>
    /// <value>The default value is 10 seconds; it must be greater than 0 and at most 300.</value>
    public double TotalTimeoutSeconds { get; set; } = RedisResilienceDefaults.TotalTimeoutSeconds;

    /// <summary>
    /// Gets or sets the first retry delay; each further retry waits one step longer (<c>Redis:Resilience:RetryDelayMilliseconds</c>).
    /// </summary>
    /// <value>The default value is 50 milliseconds (50, 100, 150 …).</value>
    public int RetryDelayMilliseconds { get; set; } = RedisResilienceDefaults.RetryDelayMilliseconds;

    /// <summary>
    /// Gets or sets the longest delay between two attempts (<c>Redis:Resilience:MaxRetryDelayMilliseconds</c>).
    /// </summary>
    /// <value>The default value is 2000 milliseconds; it must not be less than <see cref="RetryDelayMilliseconds"/>.</value>
    public int MaxRetryDelayMilliseconds { get; set; } = RedisResilienceDefaults.MaxRetryDelayMilliseconds;

    /// <summary>
    /// Gets or sets how long one attempt may wait for Redis before it is given up (<c>Redis:Resilience:AttemptTimeoutMilliseconds</c>).
    /// An idempotent operation is then sent again, so a command stuck on a hung node does not use up the whole budget;
    /// an operation run once fails, its outcome unknown.
    /// </summary>
    /// <value>The default value is 2000 milliseconds; it must be at least 1 and at most the total budget.</value>
    public int AttemptTimeoutMilliseconds { get; set; } = RedisResilienceDefaults.AttemptTimeoutMilliseconds;

    internal TimeSpan TotalTimeout => TimeSpan.FromSeconds(TotalTimeoutSeconds);

    internal TimeSpan AttemptTimeout => TimeSpan.FromMilliseconds(AttemptTimeoutMilliseconds);
}
