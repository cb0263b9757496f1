using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace VibeZ.Bench.Measure;

/// <summary>
/// The live managed heap of another .NET process, read over its diagnostics port (EventPipe), the way dotnet-gcdump
/// does: a session with the <c>GCHeapCollect</c> keyword makes the runtime run a full blocking collection, and the
/// <c>GCHeapStats</c> event at its end gives the size of every generation. After a full collection that is what the
/// objects still referenced take, not garbage waiting for the next GC (which is what <c>GC.GetTotalMemory(false)</c>
/// or the <c>gc-heap-size</c> counter would add in), and it needs nothing from the process under test.
/// </summary>
internal static class GcHeap
{
    private const long GcKeyword = (long)ClrTraceEventParser.Keywords.GC;
    private const long GcHeapCollectKeyword = (long)ClrTraceEventParser.Keywords.GCHeapCollect;

    /// <summary>Forces a full collection in <paramref name="processId"/> and returns its live heap in bytes.</summary>
    public static async Task<long> MeasureLiveAsync(int processId, TimeSpan timeout)
    {
        var client = new DiagnosticsClient(processId);
        var providers = new[] { new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, GcKeyword | GcHeapCollectKeyword) };
        using var session = await client.StartEventPipeSessionAsync(providers, requestRundown: false, circularBufferMB: 16, CancellationToken.None);
        var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(() =>
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var fullCollectionRunning = false;

            // Only the stats that end a full (gen 2) collection count: a gen 0 one that was already running when the
            // session started would report garbage that is still on the heap.
            source.Clr.GCStart += data => fullCollectionRunning = data.Depth == 2;
            source.Clr.GCHeapStats += data =>
            {
                if (fullCollectionRunning)
                {
                    heap.TrySetResult(data.TotalHeapSize);
                }
            };
            source.Process();
        });
        try
        {
            return await heap.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"process {processId} reported no full garbage collection within {timeout.TotalSeconds} s of an EventPipe GCHeapCollect session.");
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await reading.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }
}
