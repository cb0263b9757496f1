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
}
