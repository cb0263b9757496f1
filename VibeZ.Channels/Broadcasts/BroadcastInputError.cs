namespace VibeZ.Channels.Broadcasts;

/// <summary>Why a broadcast request was refused, naming the JSON field at fault.</summary>
/// <param name="Field">The field: <c>channel</c>, <c>data</c>, <c>id</c>, <c>deliverAt</c>, <c>delayMs</c>, or empty for the body.</param>
/// <param name="Message">What is wrong, never echoing the input.</param>
public sealed record BroadcastInputError(string Field, string Message);
