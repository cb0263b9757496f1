using VibeZ.Redis.Cluster;

namespace VibeZ.Redis.Tests.Cluster;

public sealed class RedisClusterSlotOwnersTests
{
    private const string A = "127.0.0.1:7000";
    private const string B = "127.0.0.1:7001";
    private const string C = "127.0.0.1:7002";
    private const string D = "127.0.0.1:7003";

    private static readonly RedisClusterSlotRange[] Initial = [new(0, 5460, A), new(5461, 10922, B), new(10923, 16383, C)];

    [Fact]
    public void TheFirstSnapshotIsLearnedWithoutReportingMoves()
    {
        var owners = new RedisClusterSlotOwners();

        Assert.Empty(owners.Apply(Initial));
        Assert.Equal(A, owners.OwnerOf(0));
        Assert.Equal(C, owners.OwnerOf(16383));
    }

    [Fact]
    public void AFailedOverMasterIsReportedAsOneMovePerRange()
    {
        var owners = new RedisClusterSlotOwners();
        owners.Apply(Initial);

        var moves = owners.Apply([new(0, 5460, D), new(5461, 10922, B), new(10923, 16383, C)]);

        Assert.Equal([new RedisClusterSlotMove(0, 5460, A, D)], moves);
        Assert.False(owners.Owns(A));
    }

    [Fact]
    public void ASnapshotThatMatchesWhatIsKnownReportsNothing()
    {
        var owners = new RedisClusterSlotOwners();
        owners.Apply(Initial);
        owners.Apply([new(0, 5460, D)]);

        Assert.Empty(owners.Apply([new(0, 5460, D), new(5461, 10922, B), new(10923, 16383, C)]));
    }

    [Fact]
    public void SlotsTheSnapshotDoesNotCoverKeepTheirOwner()
    {
        var owners = new RedisClusterSlotOwners();
        owners.Apply(Initial);

        // A dead master's slots are unassigned in no snapshot until a replica takes them; a partial view moves nothing.
        Assert.Empty(owners.Apply([new(5461, 10922, B)]));
        Assert.Equal(A, owners.OwnerOf(100));
    }

    [Fact]
    public void NonContiguousOrDifferentMovesAreSeparateRanges()
    {
        var owners = new RedisClusterSlotOwners();
        owners.Apply(Initial);

        var moves = owners.Apply([new(0, 99, D), new(100, 199, A), new(200, 299, D), new(5461, 5470, C), new(16383, 16383, B)]);

        Assert.Equal(
            [new RedisClusterSlotMove(0, 99, A, D), new RedisClusterSlotMove(200, 299, A, D), new RedisClusterSlotMove(5461, 5470, B, C), new RedisClusterSlotMove(16383, 16383, C, B)],
            moves);
    }

    [Fact]
    public void AMoveLearnedFromMovedIsNotReportedAgainByTheSnapshot()
    {
        var owners = new RedisClusterSlotOwners();
        owners.Apply(Initial);

        Assert.True(owners.Move(42, D));
        Assert.False(owners.Move(42, D));
        var moves = owners.Apply([new(0, 5460, D)]);

        Assert.Equal([new RedisClusterSlotMove(0, 41, A, D), new RedisClusterSlotMove(43, 5460, A, D)], moves);
    }

    [Fact]
    public void ASnapshotMoveIsNotReportedAgainByMoved()
    {
        var owners = new RedisClusterSlotOwners();
        owners.Apply(Initial);
        owners.Apply([new(0, 5460, D)]);

        Assert.False(owners.Move(42, D));
        Assert.True(owners.Move(42, A));
    }
}
