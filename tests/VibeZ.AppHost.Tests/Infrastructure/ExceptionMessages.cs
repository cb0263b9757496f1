namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>Reads what a failed AppHost start said, however its start-up wrapped the exception.</summary>
internal static class ExceptionMessages
{
    /// <summary>Every message in the exception's chain, aggregated exceptions included, joined with " | ".</summary>
    public static string Flatten(Exception error) =>
        string.Join(" | ", Enumerable.Repeat(error, 1).Concat(error is AggregateException a ? a.InnerExceptions : []).SelectMany(Chain).Select(e => e.Message));

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
