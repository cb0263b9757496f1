namespace VibeZ.Gateway.Security.Grants;

/// <summary>The channel patterns one claim grants, such as <c>room-*</c>; <c>*</c> stands for any run of characters.</summary>
internal sealed class ChannelGrant
{
    private readonly string[] _patterns;

    private ChannelGrant(string[] patterns) => _patterns = patterns;

    /// <summary>Gets the grant of every channel (authentication off).</summary>
    public static ChannelGrant All { get; } = new(["*"]);

    /// <summary>Gets the patterns, as the token gave them.</summary>
    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>Reads a claim's values: each may hold several patterns separated by spaces.</summary>
    public static ChannelGrant From(IEnumerable<string> values) =>
        new([.. values.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)]);

    public bool Allows(string channel)
    {
        foreach (var pattern in _patterns)
        {
            if (Matches(pattern, channel))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Glob matching with <c>*</c> only: on a mismatch, go back to the last star and let it take one more character.
    /// Linear in practice and never a regular expression, so a token's pattern cannot make matching slow.
    /// </summary>
    private static bool Matches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
