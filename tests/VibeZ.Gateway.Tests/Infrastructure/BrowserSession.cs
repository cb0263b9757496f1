using VibeZ.Testing.Browser;

namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>The Gateway's page in Debian's Chromium (<see cref="HeadlessChromium"/>), one fresh browser context per page.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly HeadlessChromium _chromium;
    private readonly List<BrowserPage> _pages = [];

    private BrowserSession(HeadlessChromium chromium) => _chromium = chromium;

    /// <summary>Starts Playwright's driver and Chromium.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public static async Task<BrowserSession> StartAsync() => new(await HeadlessChromium.StartAsync());

    /// <summary>Opens <paramref name="address"/> in a fresh browser context (its own storage and connections).</summary>
    /// <param name="name">How failure messages call the page (say, "page A").</param>
    /// <param name="address">The Gateway's own address; the page connects back to it.</param>
    public async Task<BrowserPage> OpenAsync(string name, Uri address)
    {
        var context = await _chromium.Browser.NewContextAsync();
        var page = await BrowserPage.OpenAsync(name, context, address);
        _pages.Add(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var page in _pages)
        {
            await page.DisposeAsync();
        }

        await _chromium.DisposeAsync();
    }
}
