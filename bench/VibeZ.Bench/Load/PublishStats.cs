namespace VibeZ.Bench.Load;

/// <summary>What one publisher did in one step.</summary>
/// <param name="Scheduled">Messages the fixed rate asked for.</param>
/// <param name="Sent">Messages handed to the transport; the rest were still held back when the step gave up.</param>
/// <param name="MaxBacklog">The most messages that were due but not yet sent at once: queueing on the client side.</param>
/// <param name="CreditWaits">How often the publisher had to wait because all its credits were in flight.</param>
internal sealed record PublishStats(long Scheduled, long Sent, long MaxBacklog, long CreditWaits);
