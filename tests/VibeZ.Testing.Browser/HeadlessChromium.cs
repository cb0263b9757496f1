using Microsoft.Playwright;

namespace VibeZ.Testing.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright through <see cref="BrowserTypeLaunchOptions.ExecutablePath"/>.
/// Playwright's own browser (<c>playwright install</c>) is a download from outside the package registries, which these
/// machines cannot reach, so the tests never ask for it; a missing Chromium fails the test and says how to install it.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser (its launcher script).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private const float LaunchTimeoutMilliseconds = 30_000;

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>Gets the running browser; each caller opens contexts of its own in it.</summary>
    public IBrowser Browser { get; }

    /// <summary>Starts Playwright's driver and Chromium.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed, or would not start.</exception>
    public static async Task<HeadlessChromium> StartAsync()
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
            return new HeadlessChromium(playwright, browser);
        }
        catch (Exception ex)
        {
            playwright.Dispose();
            throw new InvalidOperationException($"Playwright could not launch {ChromiumPath}: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
