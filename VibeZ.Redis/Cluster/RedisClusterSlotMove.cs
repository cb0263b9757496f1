namespace VibeZ.Redis.Cluster;

/// <summary>Slots <see cref="From"/> to <see cref="To"/> (inclusive) moved from <see cref="OldOwner"/> to <see cref="NewOwner"/>.</summary>
internal readonly record struct RedisClusterSlotMove(int From, int To, string OldOwner, string NewOwner);
