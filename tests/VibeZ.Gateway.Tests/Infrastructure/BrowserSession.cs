using Microsoft.Playwright;

namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright through <see cref="BrowserTypeLaunchOptions.ExecutablePath"/>.
/// Playwright's own browser (<c>playwright install</c>) is a download from outside the package registries, which these
/// machines cannot reach, so the tests never ask for it; a missing Chromium fails the test and says how to install it.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser (its launcher script).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private const float LaunchTimeoutMilliseconds = 30_000;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<BrowserPage> _pages = [];

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Starts Playwright's driver and Chromium.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public static async Task<BrowserSession> StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Debian's Chromium at {ChromiumPath}, and it is missing: run `bash eng/install.sh --containers` " +
                "(eng/test.sh does; it installs the `chromium` package). Do not run `playwright install`: it downloads a browser build " +
                "of its own, which cannot work without internet access.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Timeout = LaunchTimeoutMilliseconds,

                // Nothing outside 127.0.0.1 may be contacted: no update checks, sync or other background traffic.
                Args = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            return new BrowserSession(playwright, browser);
        }
        catch (Exception ex)
        {
            playwright.Dispose();
            throw new InvalidOperationException($"Playwright could not launch {ChromiumPath}: {ex.Message}", ex);
        }
    }

    /// <summary>Opens <paramref name="address"/> in a fresh browser context (its own storage and connections).</summary>
    /// <param name="name">How failure messages call the page (say, "page A").</param>
    /// <param name="address">The Gateway's own address; the page connects back to it.</param>
    public async Task<BrowserPage> OpenAsync(string name, Uri address)
    {
        var context = await _browser.NewContextAsync();
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

        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
