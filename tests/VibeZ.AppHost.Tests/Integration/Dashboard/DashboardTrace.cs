using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VibeZ.Testing.Browser;

namespace VibeZ.AppHost.Tests.Integration.Dashboard;

/// <summary>
/// The design card promises "the Aspire dashboard for tracing failovers": after Force failover, a person who opens
/// the dashboard's Traces page in a real browser finds the <c>redis.failover</c> span with old and new master and a duration.
/// Run by <see cref="Sentinel.SentinelProcessTopologyTests"/>, whose topology runs the dashboard.
/// </summary>
internal static partial class DashboardTrace
{
    private const float Timeout = 20_000;

    /// <summary>Forces a failover of <paramref name="topology"/> and finds it, as a person would, under the dashboard's Traces.</summary>
    public static async Task AssertAForcedFailoverIsTracedAsync(DashboardTopologyFixture topology)
    {
        var sentinel = topology.Topology.Nodes.First(n => n.Role is RedisNodeRole.Sentinel);
        var oldMaster = await MasterAsync(topology, sentinel);
        var clock = Stopwatch.StartNew();

        var result = await topology.ExecuteCommandAsync(topology.Topology.Name, RedisFaultCommands.ForceFailover);
        Assert.True(result.Success, $"Force failover failed: {result.Message}");

        // The command asked one sentinel; the one asked here may hear of the switch a moment later.
        var newMaster = oldMaster;
        await TestWait.Until(async () => (newMaster = await MasterAsync(topology, sentinel)) != oldMaster, TimeSpan.FromSeconds(10),
            $"{sentinel.Name} to name a master other than {oldMaster.Name}", topology.States);
        var (line, _) = await topology.WaitForLogAsync("worker",
            $"Redis failover completed: master moved from 127.0.0.1:{oldMaster.Port} to 127.0.0.1:{newMaster.Port}", TimeSpan.FromSeconds(30));
        var loggedAt = clock.Elapsed;

        var dashboard = await topology.DashboardAddressAsync();
        await using var chromium = await HeadlessChromium.StartAsync();
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var screenshot = ArtifactPath("dashboard-redis-failover.png");
        try
        {
            // The services export spans every few seconds: reload the Traces page until the failover is listed. The
            // Workers' Redis commands fill the list too, so look for it as a user would, with the page's name filter.
            var trace = page.GetByText("redis.failover").First;
            var spanName = page.Locator(".span-name-container", new() { HasText = "redis.failover" }).First;
            var listedAt = TimeSpan.Zero;
            await TestWait.Until(async () =>
            {
                await page.GotoAsync(new Uri(dashboard, "/traces").ToString());
                await page.GetByText("Traces").First.WaitForAsync();
                await page.Locator("fluent-text-input[name='traces-search'] input").FillAsync("redis.failover");
                if (!(await trace.IsVisibleAsync() || await WaitVisibleAsync(trace, 3000)))
                {
                    return false;
                }

                listedAt = listedAt == TimeSpan.Zero ? clock.Elapsed : listedAt;

                // The list re-renders whenever the Workers' traces arrive, and a busy machine can re-render it under
                // the click: pause incoming data first, as a user would, then open the trace from a list that stays put.
                var pause = page.Locator("fluent-button[title='Pause incoming data']");
                if (await pause.CountAsync() > 0)
                {
                    await pause.First.ClickAsync();
                }

                return await OpensAsync(trace, spanName);
            }, TimeSpan.FromSeconds(90), "the redis.failover trace on the dashboard's Traces page, and its page", () => Describe(page));

            // The trace's page lists its spans in a grid; the name cell opens the span's details beside it, with the
            // tags the services set and the time the failover took.
            await spanName.ClickAsync();
            var details = page.Locator(".span-details-layout");
            await Assertions.Expect(Row(details, "redis.failover.old_master")).ToContainTextAsync($"127.0.0.1:{oldMaster.Port}");
            await Assertions.Expect(Row(details, "redis.failover.new_master")).ToContainTextAsync($"127.0.0.1:{newMaster.Port}");
            await Assertions.Expect(Row(details, "redis.failover.outcome")).ToContainTextAsync("completed");
            var duration = details.Locator(".details-toolbar div", new() { HasText = "Duration" });
            await Assertions.Expect(duration).ToHaveTextAsync(DurationText());

            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            TestContext.Current.AddAttachment("dashboard-redis-failover.png", await File.ReadAllBytesAsync(screenshot, TestContext.Current.CancellationToken), "image/png");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{result.Message} The worker logged '{line.Trim()}' at {loggedAt.TotalMilliseconds:0} ms; the dashboard listed the trace at " +
                $"{listedAt.TotalMilliseconds:0} ms; the span says {(await duration.InnerTextAsync()).Trim()}. Screenshot: {screenshot}");
        }
        catch
        {
            // What the page showed when the test gave up, beside the screenshot, for whoever reads the failure.
            try
            {
                await File.WriteAllTextAsync(Path.ChangeExtension(screenshot, ".html"), await page.ContentAsync(), TestContext.Current.CancellationToken);
                await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            }
            catch (PlaywrightException)
            {
                // The browser is gone too; the test's own failure says more than this one would.
            }

            throw;
        }
    }

    private static async Task<RedisNode> MasterAsync(DashboardTopologyFixture topology, RedisNode sentinel)
    {
        var port = int.Parse((await topology.QueryAsync(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")).Split('\n')[1], CultureInfo.InvariantCulture);
        return topology.Topology.Nodes.Single(n => n.IsDataNode && n.Port == port);
    }

    private static ILocator Row(ILocator details, string name) =>
        details.GetByRole(AriaRole.Row).Filter(new() { Has = details.Page.GetByTitle(name, new() { Exact = true }) });

    /// <summary>"Duration 11.5ms", "Duration 1.2s", "Duration 850μs": the dashboard's way of writing how long a span took.</summary>
    [GeneratedRegex(@"^\s*Duration\s*\d+(\.\d+)?\s*(μs|µs|ms|s|m)\s*$")]
    private static partial Regex DurationText();

    private static async Task<bool> OpensAsync(ILocator link, ILocator shown)
    {
        try
        {
            await link.ClickAsync(new() { Timeout = 5000 });
            await shown.WaitForAsync(new() { Timeout = 5000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitVisibleAsync(ILocator locator, float milliseconds)
    {
        try
        {
            await locator.WaitForAsync(new() { Timeout = milliseconds });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Where test artifacts go: artifacts/test-results/screenshots in the repository, which eng/test.sh keeps whether the test passes or not.</summary>
    private static string ArtifactPath(string name)
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var folder = Directory.CreateDirectory(Path.Combine(root, "artifacts", "test-results", "screenshots")).FullName;
        return Path.Combine(folder, name);
    }

    private static string Describe(IPage page)
    {
        try
        {
            return $"{page.Url}: {page.InnerTextAsync("body").GetAwaiter().GetResult().ReplaceLineEndings(" | ")}";
        }
        catch (PlaywrightException ex)
        {
            return $"{page.Url}: ({ex.Message})";
        }
    }
}
