namespace VibeZ.Worker.Canary;

/// <summary>A canary round that did not go round; the message is the reason /health reports.</summary>
internal sealed class CanaryFailedException(string message, Exception? inner = null) : Exception(message, inner);
