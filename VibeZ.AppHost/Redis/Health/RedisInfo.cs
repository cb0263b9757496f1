namespace Aspire.Hosting.ApplicationModel;

/// <summary>Reads the <c>field:value</c> lines that INFO and CLUSTER INFO answer with.</summary>
internal static class RedisInfo
{
    public static IReadOnlyDictionary<string, string> Parse(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':'))
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0])
            .ToDictionary(g => g.Key, g => g.First()[1]);

    public static string Get(this IReadOnlyDictionary<string, string> info, string field) =>
        info.TryGetValue(field, out var value) ? value : "";
}
