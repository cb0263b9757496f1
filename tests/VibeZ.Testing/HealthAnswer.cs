using System.Text.Json;

namespace VibeZ.Testing;

/// <summary>Reads a service's <c>/health</c> body: <c>{"status","checks":{name:{status,description,data}}}</c>.</summary>
public static class HealthAnswer
{
    /// <summary>The overall status word (<c>Healthy</c>, <c>Degraded</c>, <c>Unhealthy</c>), or the body itself when it is not that JSON, so a failure message shows it.</summary>
    public static string Status(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString()! : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
