using Microsoft.Extensions.Options;

namespace VibeZ.Gateway.Security.Browser;

/// <summary>
/// Stops start-up on a <c>Gateway:AllowedOrigins</c> entry that is not an origin, quoting it: only the Gateway's
/// <see cref="OriginPolicy"/> knows what one looks like, and the options live in VibeZ.Channels.
/// </summary>
internal sealed class GatewayAllowedOriginsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = (options.AllowedOrigins ?? []).Where(o => o != "*" && OriginPolicy.Normalize(o) is null)
            .Select(origin => $"{GatewayDefaults.SectionName}:{nameof(options.AllowedOrigins)} holds '{origin}'; an origin is scheme, host and port only, like https://app.example.com, or * for any.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
