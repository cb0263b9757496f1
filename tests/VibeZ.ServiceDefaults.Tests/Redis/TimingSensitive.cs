namespace VibeZ.ServiceDefaults.Tests.Redis;

/// <summary>
/// Tests that measure tens of milliseconds run alone, after the others: their load delays the thread-pool timers
/// StackExchange.Redis's heartbeat runs on, and would blur a 50 ms schedule or a failover's timing.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class TimingSensitive;
