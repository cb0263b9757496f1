using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>Resource commands run as the dashboard runs them, and what the services print to their consoles.</summary>
public abstract partial class TopologyFixture
{
    /// <summary>Runs a resource command through Aspire's command service, as a dashboard button does.</summary>
    public async Task<ExecuteCommandResult> ExecuteCommandAsync(string resourceName, string commandName)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        return await TestWait.For(
            App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, commandName, TestContext.Current.CancellationToken),
            TimeSpan.FromSeconds(60), $"the command {commandName} on {resourceName} to finish", States);
    }

    /// <summary>
    /// Waits for a line containing <paramref name="text"/> in the console of <paramref name="resourceName"/> (every
    /// replica's), from the start of its log, and returns it with the time the test saw it.
    /// </summary>
    public async Task<(string Line, DateTimeOffset SeenAt)> WaitForLogAsync(string resourceName, string text, TimeSpan timeout)
    {
        var loggers = App.Services.GetRequiredService<ResourceLoggerService>();
        var ids = _latest.Values.Where(e => e.Resource.Name == resourceName).Select(e => e.ResourceId).Distinct().ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var seen = new List<string>();
        var watches = ids.Select(async id =>
        {
            await foreach (var batch in loggers.WatchAsync(id).WithCancellation(stop.Token))
            {
                foreach (var line in batch)
                {
                    lock (seen)
                    {
                        seen.Add(line.Content);
                    }

                    if (line.Content.Contains(text, StringComparison.Ordinal))
                    {
                        return (line.Content, DateTimeOffset.Now);
                    }
                }
            }

            throw new InvalidOperationException($"The log of {id} ended.");
        }).ToList();

        try
        {
            var first = await TestWait.For(Task.WhenAny(watches), timeout, $"'{text}' in the console of {resourceName} ({string.Join(", ", ids)})",
                () => $"{Tail(seen)}\n{States()}");
            return await first;
        }
        finally
        {
            await stop.CancelAsync();
        }

        static string Tail(List<string> lines)
        {
            lock (lines)
            {
                return $"{lines.Count} lines, the last: {string.Join(" | ", lines.TakeLast(5))}";
            }
        }
    }

    /// <summary>
    /// Runs the health checks of <paramref name="resourceName"/> now, the ones Aspire runs for it. Aspire itself checks a
    /// healthy resource only every 30 s, so a state that lasts seconds (a master without a replica in sync) may never
    /// reach its resource snapshot; asking the checks directly sees what the next round would report.
    /// </summary>
    public async Task<HealthReport> CheckHealthNowAsync(string resourceName)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var keys = resource.Annotations.OfType<HealthCheckAnnotation>().Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        return await App.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(r => keys.Contains(r.Name), TestContext.Current.CancellationToken);
    }

    /// <summary>Whether a node answers PING within <paramref name="within"/>.</summary>
    public Task<bool> AnswersAsync(RedisNode node, TimeSpan within) =>
        VibeZ.Redis.RedisNodeClient.AnswersAsync(Topology.NodeAddress(node.Port, Password), within, TestContext.Current.CancellationToken);

    /// <summary>Measures how long a node stays silent, from now until it answers PING again.</summary>
    public async Task<TimeSpan> SilenceAsync(RedisNode node, TimeSpan atMost)
    {
        var clock = Stopwatch.StartNew();
        await TestWait.Until(() => AnswersAsync(node, TimeSpan.FromMilliseconds(200)), atMost, $"{node.Name} to answer PING again", States);
        return clock.Elapsed;
    }
}
