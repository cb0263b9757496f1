namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>Waits with a deadline, and says what it waited for and what it saw when it gives up.</summary>
internal static class Wait
{
    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="timeout"/>.</summary>
    public static async Task ForAsync(Task task, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        try
        {
            await task.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.{Seen(seen)}");
        }
    }

    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="timeout"/> and returns its result.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        await ForAsync((Task)task, timeout, what, seen);
        return await task;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? lastError = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                lastError = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                lastError = ex;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }

        var error = lastError is null ? "" : $" Last error: {lastError.Message}";
        throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.{Seen(seen)}{error}");
    }

    private static string Seen(Func<string>? seen) => seen is null ? "" : $" Saw: {seen()}";
}
