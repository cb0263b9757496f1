using System.ComponentModel.DataAnnotations;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// The rules attributes on single properties cannot state: the mode, and the keys the allowed algorithms need. A
/// secret is described (its length), never quoted.
/// </summary>
public sealed partial class GatewayAuthOptions : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            failures.Add($"{Section}:{nameof(Mode)} is '{Mode}'; use Jwt or None.");
        }

        if (Mode == GatewayAuthMode.Jwt)
        {
            CheckKeys(failures);
        }

        return failures.Select(failure => new ValidationResult(failure));
    }

    private void CheckKeys(List<string> failures)
    {
        var algorithms = EffectiveAlgorithms;
        foreach (var algorithm in algorithms.Where(a => !GatewaySigningKeys.IsHmac(a) && !GatewaySigningKeys.IsPublicKey(a)))
        {
            failures.Add($"{Section}:{nameof(Algorithms)} names '{algorithm}', which is not allowed; use {GatewaySigningKeys.SupportedAlgorithms} (never none).");
        }

        if (algorithms.Any(GatewaySigningKeys.IsHmac) && GatewaySigningKeys.TryReadSecret(SigningKey, out var secretError) is null)
        {
            failures.Add($"{Section}:{nameof(SigningKey)} {secretError}. {string.Join("/", algorithms.Where(GatewaySigningKeys.IsHmac))} tokens need it; " +
                $"set it, or {Section}:{nameof(Mode)}=None to switch authentication off.");
        }

        if (!algorithms.Any(GatewaySigningKeys.IsPublicKey))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(PublicKeyPem) && string.IsNullOrWhiteSpace(JwksUrl))
        {
            failures.Add($"{Section}:{nameof(Algorithms)} allows {string.Join("/", algorithms.Where(GatewaySigningKeys.IsPublicKey))}, " +
                $"which need {Section}:{nameof(PublicKeyPem)} or {Section}:{nameof(JwksUrl)}; neither is set.");
        }

        if (!string.IsNullOrWhiteSpace(PublicKeyPem) && GatewaySigningKeys.TryReadPublicKey(PublicKeyPem, out var pemError) is null)
        {
            failures.Add($"{Section}:{nameof(PublicKeyPem)} {pemError}");
        }

        if (!string.IsNullOrWhiteSpace(JwksUrl)
            && (!Uri.TryCreate(JwksUrl, UriKind.Absolute, out var jwks) || jwks.Scheme is not ("https" or "http")
                || (RequireHttpsMetadata && jwks.Scheme != "https")))
        {
            failures.Add($"{Section}:{nameof(JwksUrl)} is '{JwksUrl}'; it must be an absolute https URL " +
                $"(http only with {Section}:{nameof(RequireHttpsMetadata)}=false).");
        }
    }
}
