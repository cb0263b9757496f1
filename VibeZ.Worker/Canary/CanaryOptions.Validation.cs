using System.ComponentModel.DataAnnotations;

namespace VibeZ.Worker.Canary;

/// <summary>
/// The rules an attribute on one property cannot state: the addresses, the channel and the key are needed only when
/// <see cref="Enabled"/> is true. The key's value never goes into a message, only whether it is there.
/// </summary>
internal sealed partial class CanaryOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        foreach (var (address, setting) in new[] { (PublishVia, nameof(PublishVia)), (ReceiveVia, nameof(ReceiveVia)) })
        {
            if (address is not { IsAbsoluteUri: true, Scheme: "ws" or "wss" })
            {
                yield return new ValidationResult($"{SectionName}:{setting} must be an absolute ws:// or wss:// address of a Gateway's /ws; got '{address}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(Channel))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Channel)} must name a channel; got an empty value.");
        }

        if (string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(SigningKey)} is required when {SectionName}:{nameof(Enabled)} is true (the Gateways' Gateway:Auth:SigningKey).");
        }
    }
}
