using Microsoft.Extensions.Options;

namespace VibeZ.Gateway.Security;

/// <summary>
/// Stops start-up with a message naming the setting when <c>Gateway:Auth</c> cannot authenticate anyone safely. A secret
/// is described (its length), never quoted.
/// </summary>
internal sealed class GatewayAuthOptionsValidator : IValidateOptions<GatewayAuthOptions>
{
    private const string Section = GatewayDefaults.AuthSectionName;

    public ValidateOptionsResult Validate(string? name, GatewayAuthOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add($"{Section}:{nameof(options.Mode)} is '{options.Mode}'; use Jwt or None.");
        }

        Check(failures, nameof(options.RefreshGraceSeconds), options.RefreshGraceSeconds, 1, 3600);
        Check(failures, nameof(options.ClockSkewSeconds), options.ClockSkewSeconds, 0, 300);
        Check(failures, nameof(options.ConnectTimeoutSeconds), options.ConnectTimeoutSeconds, 1, 300);
        Check(failures, nameof(options.DevTokenLifetimeSeconds), options.DevTokenLifetimeSeconds, 10, 86_400);
        if (options.Mode == GatewayAuthMode.Jwt)
        {
            CheckKeys(failures, options);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckKeys(List<string> failures, GatewayAuthOptions options)
    {
        var algorithms = options.EffectiveAlgorithms;
        foreach (var algorithm in algorithms.Where(a => !GatewaySigningKeys.IsHmac(a) && !GatewaySigningKeys.IsPublicKey(a)))
        {
            failures.Add($"{Section}:{nameof(options.Algorithms)} names '{algorithm}', which is not allowed; use {GatewaySigningKeys.SupportedAlgorithms} (never none).");
        }

        if (algorithms.Any(GatewaySigningKeys.IsHmac) && GatewaySigningKeys.TryReadSecret(options.SigningKey, out var secretError) is null)
        {
            failures.Add($"{Section}:{nameof(options.SigningKey)} {secretError}. {string.Join("/", algorithms.Where(GatewaySigningKeys.IsHmac))} tokens need it; " +
                $"set it, or {Section}:{nameof(options.Mode)}=None to switch authentication off.");
        }

        if (!algorithms.Any(GatewaySigningKeys.IsPublicKey))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.PublicKeyPem) && string.IsNullOrWhiteSpace(options.JwksUrl))
        {
            failures.Add($"{Section}:{nameof(options.Algorithms)} allows {string.Join("/", algorithms.Where(GatewaySigningKeys.IsPublicKey))}, " +
                $"which need {Section}:{nameof(options.PublicKeyPem)} or {Section}:{nameof(options.JwksUrl)}; neither is set.");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicKeyPem) && GatewaySigningKeys.TryReadPublicKey(options.PublicKeyPem, out var pemError) is null)
        {
            failures.Add($"{Section}:{nameof(options.PublicKeyPem)} {pemError}");
        }

        if (!string.IsNullOrWhiteSpace(options.JwksUrl)
            && (!Uri.TryCreate(options.JwksUrl, UriKind.Absolute, out var jwks) || jwks.Scheme is not ("https" or "http")
                || (options.RequireHttpsMetadata && jwks.Scheme != "https")))
        {
            failures.Add($"{Section}:{nameof(options.JwksUrl)} is '{options.JwksUrl}'; it must be an absolute https URL " +
                $"(http only with {Section}:{nameof(options.RequireHttpsMetadata)}=false).");
        }
    }

    private static void Check(List<string> failures, string setting, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            failures.Add($"{Section}:{setting} is {value}; it must be from {min} to {max}.");
        }
    }
}
