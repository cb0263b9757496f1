using System.Diagnostics;
using Spectre.Console;
using VibeZ.Bench.Measure;
using VibeZ.Bench.Report;
using VibeZ.Bench.Systems;

namespace VibeZ.Bench.Scenarios.Connections;

/// <summary>
/// Many idle connections on ONE server process (a Gateway, or a SignalR app), each subscribed to a channel of its own
/// (for SignalR: in a group of its own): the process's RSS and live GC heap before and after, per connection, and the
/// time to connect them all. A check then sends one message to every connection, so the memory is that of live,
/// subscribed connections, not of half-open ones. Systems run one after another, each after the previous one's
/// clients are closed.
/// </summary>
internal static class ConnectionsScenario
{
    // Lets the server finish what connecting (or starting) left behind before a reading.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HeapTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ConnectionsSummary> RunAsync(ConnectionsSettings settings, string command, CancellationToken cancellationToken)
    {
        var start = RunStart.Now();
        var runId = Guid.NewGuid().ToString("N")[..8];
        var needed = settings.Connections + ConnectionsSettings.Publishers;
        var limits = new Dictionary<string, string> { ["loadgen"] = Limit(Environment.ProcessId) };
        if (ProcStat.OpenFilesLimit(Environment.ProcessId) is { } own && own.Soft < needed + 200)
        {
            throw new InvalidOperationException(
                $"--connections {settings.Connections} needs about {needed + 200} open files in the load generator, but its limit is {own.Soft} (ulimit -n). Raise it (ulimit -n {needed * 2}) or open fewer connections.");
        }

        AnsiConsole.MarkupLine($"[bold]connections[/]: {settings.Connections} idle connections on one server process, each on a channel of its own, {settings.Mode} mode; systems {string.Join(", ", settings.Systems)}");
        await using var topology = await BenchTopology.StartAsync(
            settings.Systems, part => AnsiConsole.MarkupLine($"starting {Markup.Escape(part)}"), serverProcesses: 1, settings.GatewayEnvironment, settings.Containers);
        var results = new List<ConnectionsSystemSummary>();
        foreach (var system in topology.Systems)
        {
            limits[system.Processes[0].Role + $" ({system.Name})"] = Limit(system.Processes[0].ProcessId);
            results.Add(await MeasureAsync(system, settings, $"bench-{runId}-{system.Name}", cancellationToken));
        }

        var summary = new ConnectionsSummary
        {
            Scenario = "connections",
            Subscribers = settings.Connections,
            Connections = needed,
            Mode = settings.Mode,
            IdleSeconds = settings.Idle.TotalSeconds,
            ConnectConcurrency = SystemRun.ConnectBatch,
            FileDescriptorLimits = limits,
            Systems = results,
            Machine = start.Machine(),
            Command = command,
            StartedAt = start.StartedAt,
            DurationSeconds = start.DurationSeconds(),
        };
        await ConnectionsReport.WriteAsync(summary, settings.OutputDirectory);
        ConnectionsReport.Print(summary, settings.OutputDirectory);
        return summary;
    }

    private static async Task<ConnectionsSystemSummary> MeasureAsync(IBenchSystem system, ConnectionsSettings settings, string channelPrefix, CancellationToken cancellationToken)
    {
        var server = system.Processes[0];
        var connections = settings.Connections + ConnectionsSettings.Publishers;
        await Task.Delay(Settle, cancellationToken);

        // The heap reading forces a full collection; RSS is read right after it, so both readings see the same heap.
        var heapBefore = await GcHeap.MeasureLiveAsync(server.ProcessId, HeapTimeout);
        var rssBefore = Rss(server);

        // One channel per connection, one message per channel in the check: the fan-out machinery with channels = connections.
        var check = new FanoutSettings("connections", settings.Connections, ConnectionsSettings.Publishers, ConnectionsSettings.MessageBytes,
            [settings.Connections / settings.Check.TotalSeconds], settings.Check, TimeSpan.Zero, TimeSpan.FromSeconds(5),
            double.MaxValue, settings.Mode, settings.Systems, settings.OutputDirectory) { Channels = settings.Connections };
        AnsiConsole.MarkupLine($"{system.Name}: connecting {connections} clients, {SystemRun.ConnectBatch} at a time");
        var connecting = Stopwatch.StartNew();
        await using var run = await SystemRun.ConnectAsync(system, check, channelPrefix, cancellationToken);
        var connectSeconds = Math.Round(connecting.Elapsed.TotalSeconds, 2);

        AnsiConsole.MarkupLine($"{system.Name}: connected in {connectSeconds} s; idle for {settings.Idle.TotalSeconds} s");
        await Task.Delay(Settle, cancellationToken);
        var idle = CpuWindow.Start(system.Processes);
        await Task.Delay(settings.Idle, cancellationToken);
        var idleCpu = idle.Stop();
        var heapAfter = await GcHeap.MeasureLiveAsync(server.ProcessId, HeapTimeout);
        var rssAfter = Rss(server);

        AnsiConsole.MarkupLine($"{system.Name}: one message to each connection");
        var step = await run.RunStepAsync(settings.Connections / settings.Check.TotalSeconds, cancellationToken);
        return new ConnectionsSystemSummary
        {
            Name = system.Name,
            Description = system.Description,
            DeliveriesPerSecond = step.DeliveriesPerSecond,
            P50Ms = step.P50Ms,
            P99Ms = step.P99Ms,
            CpuPercent = idleCpu,
            ConnectSeconds = connectSeconds,
            RssBeforeBytes = rssBefore,
            RssAfterBytes = rssAfter,
            RssPerConnectionBytes = (rssAfter - rssBefore) / connections,
            GcHeapBeforeBytes = heapBefore,
            GcHeapAfterBytes = heapAfter,
            GcHeapPerConnectionBytes = (heapAfter - heapBefore) / connections,
            CheckDelivered = step.Delivered,
            CheckExpected = step.ExpectedDeliveries,
            Check = step,
        };
    }

    private static long Rss(MonitoredProcess process) =>
        ProcStat.ResidentBytes(process.ProcessId) ?? throw new InvalidOperationException($"{process.Role} (pid {process.ProcessId}) is gone: no /proc/{process.ProcessId}/status.");

    private static string Limit(int processId) =>
        ProcStat.OpenFilesLimit(processId) is { } limit ? $"{limit.Soft}/{limit.Hard}" : "unknown";
}
