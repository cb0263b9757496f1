namespace Aspire.Hosting.ApplicationModel;

/// <summary>A node answered a probe with an error, or did not answer.</summary>
internal sealed class RedisProbeException(string message, Exception? innerException = null) : Exception(message, innerException);
