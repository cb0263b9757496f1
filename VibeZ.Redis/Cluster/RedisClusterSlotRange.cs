namespace VibeZ.Redis.Cluster;

/// <summary>Slots <see cref="From"/> to <see cref="To"/> (inclusive) served by the master at <see cref="Owner"/>.</summary>
internal readonly record struct RedisClusterSlotRange(int From, int To, string Owner);
