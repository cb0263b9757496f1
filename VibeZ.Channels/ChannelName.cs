using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace VibeZ.Channels;

/// <summary>The rule for channel names, and the names the Gateway keeps for itself.</summary>
internal static partial class ChannelName
{
    /// <summary>The reserved channel that streams this Gateway's Redis state.</summary>
    public const string System = "$system";

    /// <summary>Checks a name a client sent; <paramref name="error"/> says what is wrong with it.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="allowReserved">Whether reserved (<c>$</c>) names are acceptable, as they are for subscribing.</param>
    /// <param name="error">Why the name was refused.</param>
    /// <returns>Whether the name is acceptable.</returns>
    public static bool TryValidate([NotNullWhen(true)] string? name, bool allowReserved, [NotNullWhen(false)] out string? error)
    {
        if (name == System)
        {
            error = allowReserved ? null : "$system is reserved for the Gateway: clients may subscribe to it, never publish";
            return allowReserved;
        }

        if (name is null || !Pattern().IsMatch(name))
        {
            error = "channel names are 1 to 128 characters of A-Z, a-z, 0-9, ':', '_', '.', '-'";
            return false;
        }

        error = null;
        return true;
    }

    // The pattern excludes quotes and backslashes, so a valid name can be put into JSON and Redis keys as it is.
    [GeneratedRegex(@"^[A-Za-z0-9:_.\-]{1,128}\z")]
    private static partial Regex Pattern();
}
