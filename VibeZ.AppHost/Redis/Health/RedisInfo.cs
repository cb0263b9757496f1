namespace Aspire.Hosting.ApplicationModel;

/// <summary>Reads the fields of an <c>INFO</c> or <c>CLUSTER INFO</c> answer.</summary>
internal static class RedisInfo
{
    /// <summary>Gets a field's value, or an empty text when the node did not report it.</summary>
    public static string Get(this IReadOnlyDictionary<string, string> info, string field) =>
        info.TryGetValue(field, out var value) ? value : "";
}
