using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway's page (<c>VibeZ.Gateway/wwwroot</c>) open in a browser: what a person does on it, through its labels
/// and buttons, and what they see, as locators for Playwright's <c>Expect</c>. It keeps the page's console and errors
/// for failure messages.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    /// <summary>How long an action or a wait on the page may take, in milliseconds (Playwright's unit).</summary>
    public const float Timeout = 20_000;

    private readonly IBrowserContext _context;
    private readonly List<string> _console = [];

    private BrowserPage(string name, IBrowserContext context, IPage page)
    {
        Name = name;
        _context = context;
        Page = page;
        page.Console += (_, message) => Log($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Log($"page error: {error}");
        page.WebSocket += (_, socket) =>
        {
            Log($"WebSocket opened: {socket.Url}");
            socket.Close += (_, _) => Log($"WebSocket closed: {socket.Url}");
        };
    }

    public string Name { get; }

    public IPage Page { get; }

    /// <summary>Gets the WebSocket's state (<c>data-state</c>: connecting, open, closed).</summary>
    public ILocator Connection => Page.GetByTestId("connection");

    /// <summary>Gets the id of the Gateway node serving the page, from its <c>subscribed</c> frames.</summary>
    public ILocator Node => Page.GetByTestId("node");

    /// <summary>Gets the Redis state label fed by <c>$system</c>: connected, reconnecting, failover (unknown while disconnected).</summary>
    public ILocator RedisState => Page.GetByTestId("redis-state");

    /// <summary>Gets what became of the last message sent (<c>data-state</c>: sending, acked, retrying, error).</summary>
    public ILocator SendStatus => Page.GetByTestId("send-status");

    /// <summary>Gets the notices: Redis state changes (<c>data-kind="redis"</c>), gaps (<c>recovered:false</c>) and errors.</summary>
    public ILocator Notices => Page.GetByTestId("notice");

    /// <summary>Gets the listed messages whose text is exactly <paramref name="text"/> on <paramref name="channel"/>.</summary>
    public ILocator Message(string channel, string text) =>
        Page.Locator($"[data-testid=message][data-channel=\"{channel}\"]")
            .Filter(new() { Has = Page.GetByTestId("message-text").GetByText(text, new() { Exact = true }) });

    /// <summary>Loads the page and waits until its WebSocket is open.</summary>
    public static async Task<BrowserPage> OpenAsync(string name, IBrowserContext context, Uri address)
    {
        context.SetDefaultTimeout(Timeout);
        var browserPage = new BrowserPage(name, context, await context.NewPageAsync());
        await browserPage.Page.GotoAsync(address.ToString());
        await Expect(browserPage.Connection).ToHaveAttributeAsync("data-state", "open", new() { Timeout = Timeout });
        return browserPage;
    }

    /// <summary>Types <paramref name="channel"/> into the Channel field, presses Join, and waits for the <c>subscribed</c> frame.</summary>
    public async Task JoinAsync(string channel)
    {
        await Page.GetByLabel("Channel", new() { Exact = true }).FillAsync(channel);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
        var joined = Page.Locator($"[data-testid=joined-channel][data-channel=\"{channel}\"]");
        await Expect(joined).ToHaveAttributeAsync("data-joined", "true", new() { Timeout = Timeout });
    }

    /// <summary>Picks <paramref name="channel"/>, types <paramref name="text"/> into the Message field and presses Send.</summary>
    public async Task SendAsync(string channel, string text)
    {
        await Page.GetByLabel("To", new() { Exact = true }).SelectOptionAsync(channel);
        await Page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
    }

    /// <summary>The page's text as a person sees it and its console, for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        string text;
        try
        {
            text = await Page.InnerTextAsync("body", new() { Timeout = 5_000 });
        }
        catch (PlaywrightException ex)
        {
            text = "(could not read the page: " + ex.Message + ")";
        }

        lock (_console)
        {
            return $"--- {Name} ({Page.Url}) ---\n{text}\n--- {Name} console ---\n{string.Join("\n", _console)}";
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private void Log(string line)
    {
        lock (_console)
        {
            _console.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
    }
}
