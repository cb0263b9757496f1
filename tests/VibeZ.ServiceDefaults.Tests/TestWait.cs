namespace VibeZ.ServiceDefaults.Tests;

internal static class TestWait
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
}
