using Microsoft.Extensions.Options;

namespace VibeZ.Worker.Canary;

/// <summary>Stops the Worker at start with a message naming the bad setting and value.</summary>
internal sealed class CanaryOptionsValidator : IValidateOptions<CanaryOptions>
{
    public ValidateOptionsResult Validate(string? name, CanaryOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        CheckAddress(options.PublishVia, "Canary:PublishVia", failures);
        CheckAddress(options.ReceiveVia, "Canary:ReceiveVia", failures);
        if (options.IntervalSeconds is not (>= 0.1 and <= 3600))
        {
            failures.Add($"Canary:IntervalSeconds must be between 0.1 and 3600; got {options.IntervalSeconds}.");
        }

        if (string.IsNullOrWhiteSpace(options.Channel))
        {
            failures.Add("Canary:Channel must name a channel; got an empty value.");
        }

        if (string.IsNullOrEmpty(options.SigningKey))
        {
            // The key's value never goes into a message, only whether it is there.
            failures.Add("Canary:SigningKey is required when Canary:Enabled is true (the Gateways' Gateway:Auth:SigningKey).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAddress(Uri? address, string setting, List<string> failures)
    {
        if (address is not { IsAbsoluteUri: true, Scheme: "ws" or "wss" })
        {
            failures.Add($"{setting} must be an absolute ws:// or wss:// address of a Gateway's /ws; got '{address}'.");
        }
    }
}
