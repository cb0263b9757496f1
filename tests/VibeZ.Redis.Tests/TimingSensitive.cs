namespace VibeZ.Redis.Tests;

/// <summary>
/// Tests that measure tens of milliseconds run alone, after the others: their load delays the thread-pool timers
/// StackExchange.Redis's heartbeat runs on, and would blur a 50 ms schedule or a failover's timing.
/// </summary>
/// <remarks>
/// Named, because the test classes join it by name (<c>[Collection(nameof(TimingSensitive))]</c>): an unnamed definition
/// only matches <c>[Collection(typeof(…))]</c>, and a name with no definition makes an ordinary, parallel collection.
/// </remarks>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive;
