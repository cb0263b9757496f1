using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Tests;

/// <summary>
/// A host with the resilience layer on fake time and a multiplexer that never talks to Redis: the operations under
/// test are fakes that ignore the database they are given.
/// </summary>
internal static class RedisResilienceTestHost
{
    public static IHost Build(FakeTimeProvider time, params (string Key, string? Value)[] configuration) => Build(time, _ => { }, configuration);

    public static IHost Build(FakeTimeProvider time, Action<IServiceCollection> configureServices, params (string Key, string? Value)[] configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(configuration.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(NoRedis.Create<IConnectionMultiplexer>());
        configureServices(builder.Services);
        builder.AddVibeZRedisResilience();
        return builder.Build();
    }

    /// <summary>
    /// Runs fake time forward in small steps until <paramref name="task"/> completes, so retry delays and the budget
    /// pass without real sleeping. Time stops at <paramref name="limit"/>; the task then has real seconds to finish,
    /// so a task expected to end exactly at the limit is observed there and not after time ran on.
    /// </summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan step, TimeSpan limit)
    {
        var advanced = TimeSpan.Zero;
        while (!task.IsCompleted && advanced < limit)
        {
            time.Advance(step);
            advanced += step;

            // Continuations that resume on the thread pool get a chance to run (and start their next timer) before time moves on.
            for (var i = 0; i < 3; i++)
            {
                await Task.Yield();
            }
        }

        return await TestWait.For(task, $"the operation after {advanced.TotalMilliseconds:0} ms of fake time");
    }

    /// <summary>Stands in for a StackExchange.Redis interface; hands out more stand-ins and fails anything else.</summary>
    public class NoRedis : DispatchProxy
    {
        public static T Create<T>() where T : class => Create<T, NoRedis>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IConnectionMultiplexer.GetDatabase)
                ? Create<IDatabase>()
                : throw new NotSupportedException($"{targetMethod?.Name} was called on a stand-in that never talks to Redis.");
    }
}
