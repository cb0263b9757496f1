namespace VibeZ.Testing;

public static class TestWait
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Awaits with a timeout, and says what was being waited for when it gives up.</summary>
    public static async Task<T> For<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Gave up after {Timeout.TotalSeconds:0} s waiting for {what}.", ex);
        }
    }

    public static async Task For(Task task, string what) => await For(task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), what);

    /// <summary>
    /// Awaits <paramref name="task"/> for at most <paramref name="timeout"/>; when it gives up it says what it waited for
    /// and, when <paramref name="seen"/> is given, what it saw then (a topology's resource states, say).
    /// </summary>
    public static async Task For(Task task, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        try
        {
            await task.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting for {what}.{Saw(seen)}", ex);
        }
    }

    /// <summary>Awaits <paramref name="task"/> for at most <paramref name="timeout"/> and returns its result.</summary>
    public static async Task<T> For<T>(Task<T> task, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        await For((Task)task, timeout, what, seen);
        return await task;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, for at most <paramref name="timeout"/>; gives up saying what
    /// it waited for, what <paramref name="seen"/> shows then, and the condition's last exception, if it threw.
    /// </summary>
    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? seen = null) =>
        Until(async () => await condition() ? (true, "") : (false, seen is null ? "not yet" : seen()), what, timeout);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; gives up after <paramref name="timeout"/> (default
    /// <see cref="Timeout"/>) saying what it waited for and the last thing it saw. An exception from the condition
    /// (Redis or a service still starting) counts as "not yet" and is what the timeout message shows.
    /// </summary>
    public static async Task Until(Func<Task<(bool Done, string Seen)>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var seen = "nothing yet";
        while (clock.Elapsed < limit)
        {
            try
            {
                (var done, seen) = await condition();
                if (done)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                seen = ex.GetType().Name + ": " + ex.Message;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"Gave up after {limit.TotalSeconds:0.#} s waiting for {what}; last saw: {seen}");
    }

    private static string Saw(Func<string>? seen) => seen is null ? "" : $" Saw: {seen()}";
}
