using System.ComponentModel.DataAnnotations;

namespace VibeZ.Channels;

/// <summary>The rules between <c>Gateway</c> settings, which attributes on single properties cannot state.</summary>
public sealed partial class GatewayOptions : IValidatableObject
{
    // The bounds of the settings the rules below relate, shared with their attributes: a rule is checked only once its
    // settings are in range, so that a bad one is reported once, by its attribute, not again by a rule it made fail.
    private const int HistoryLengthMinimum = 1;
    private const int HistoryLengthMaximum = 1_000_000;
    private const int MaxMessageBytesMinimum = 256;
    private const int MaxMessageBytesMaximum = 16 * 1024 * 1024;
    private const int MaxHistoryPageBytesMinimum = 1024;
    private const int MaxHistoryPageBytesMaximum = 1024 * 1024 * 1024;
    private const long MaxChannelHistoryBytesMinimum = 256;
    private const long MaxChannelHistoryBytesMaximum = 1L << 40;

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var messageBytesValid = MaxMessageBytes is >= MaxMessageBytesMinimum and <= MaxMessageBytesMaximum;

        // The product only means something once each of the three is in range.
        if (messageBytesValid && HistoryLength is >= HistoryLengthMinimum and <= HistoryLengthMaximum
            && MaxChannelHistoryBytes is >= MaxChannelHistoryBytesMinimum and <= MaxChannelHistoryBytesMaximum
            && (long)MaxMessageBytes * HistoryLength > MaxChannelHistoryBytes)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(MaxMessageBytes)} ({MaxMessageBytes}) × {Section}:{nameof(HistoryLength)} ({HistoryLength}) is " +
                $"{(long)MaxMessageBytes * HistoryLength} bytes, more than {Section}:{nameof(MaxChannelHistoryBytes)} ({MaxChannelHistoryBytes}) " +
                "one channel may hold; lower one of the first two or raise the third.");
        }

        // A page always holds at least one message, so a page bound below the largest one would be exceeded by it.
        if (messageBytesValid && MaxHistoryPageBytes is >= MaxHistoryPageBytesMinimum and <= MaxHistoryPageBytesMaximum
            && MaxHistoryPageBytes < HistoryEntryBytes)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(MaxHistoryPageBytes)} is {MaxHistoryPageBytes}; it must be at least {Section}:{nameof(MaxMessageBytes)} " +
                $"({MaxMessageBytes}) + {GatewayDefaults.HistoryEntryOverheadBytes} = {HistoryEntryBytes}, so that a page holds the largest message.");
        }

        if (!Enum.IsDefined(Durability))
        {
            yield return new ValidationResult($"{Section}:{nameof(Durability)} is '{Durability}'; use Replicated or Leader.");
        }
    }
}
