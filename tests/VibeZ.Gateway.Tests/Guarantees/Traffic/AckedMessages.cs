namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>Messages acked so far, shared by the publishers so that a probe can resend one another client published.</summary>
internal sealed class AckedMessages
{
    private readonly List<(string Publisher, OutgoingMessage Message)> _messages = [];

    public void Add(string publisher, OutgoingMessage message)
    {
        lock (_messages)
        {
            _messages.Add((publisher, message));
        }
    }

    /// <summary>Picks an acked message at random, from <paramref name="publisher"/> or, when <paramref name="own"/> is false, from any other.</summary>
    public OutgoingMessage? Pick(Random random, string publisher, bool own)
    {
        lock (_messages)
        {
            var candidates = _messages.Where(m => (m.Publisher == publisher) == own).ToList();
            return candidates.Count == 0 ? null : candidates[random.Next(candidates.Count)].Message;
        }
    }
}
