using StackExchange.Redis;
using VibeZ.Redis.Resilience;

namespace VibeZ.Worker.Tests.Registry;

/// <summary>Runs each operation once on the connection, with no retry: a test on a Redis that never fails needs no more.</summary>
internal sealed class DirectRedisResilience(IConnectionMultiplexer redis) : IRedisResilience
{
    public Task<T> ExecuteIdempotentAsync<T>(string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default) =>
        operation(redis.GetDatabase(), cancellationToken);

    public Task<T> ExecuteOnceAsync<T>(string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default) =>
        operation(redis.GetDatabase(), cancellationToken);
}
