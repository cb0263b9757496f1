namespace VibeZ.Channels.Storage;

/// <summary>
/// Bounds how many history pages one Gateway reads from Redis at once (<c>Gateway:MaxConcurrentHistoryReads</c>). An
/// HTTP read that finds no place is refused at once (<see cref="TryEnter"/>); a resume or catch-up waits for one
/// (<see cref="EnterAsync"/>), so a flood of reads queues in the Gateway, in order, instead of in Redis.
/// </summary>
/// <remarks>
/// A place is held until the read's Redis work is over, not only until its caller gave up waiting:
/// <see cref="IChannelStore.ReadAsync"/> returns only once its last attempt has finished.
/// </remarks>
public sealed class HistoryReadGate
{
    private readonly SemaphoreSlim _places;

    /// <summary>Creates a gate with <paramref name="capacity"/> places.</summary>
    public HistoryReadGate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _places = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>Gets how many reads may run at once.</summary>
    public int Capacity { get; }

    /// <summary>Takes a place if one is free.</summary>
    /// <param name="place">The place, to dispose of when the read is over.</param>
    /// <returns>False when every place is taken.</returns>
    public bool TryEnter(out Place place)
    {
        place = _places.Wait(0) ? new Place(_places) : default;
        return place.Held;
    }

    /// <summary>Waits for a place.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The place, to dispose of when the read is over.</returns>
    public async ValueTask<Place> EnterAsync(CancellationToken cancellationToken)
    {
        await _places.WaitAsync(cancellationToken);
        return new Place(_places);
    }

    /// <summary>A place taken; disposing of it gives it back.</summary>
    public readonly struct Place : IDisposable
    {
        private readonly SemaphoreSlim? _places;

        internal Place(SemaphoreSlim places) => _places = places;

        internal bool Held => _places is not null;

        /// <summary>Gives the place back.</summary>
        public void Dispose() => _places?.Release();
    }
}
