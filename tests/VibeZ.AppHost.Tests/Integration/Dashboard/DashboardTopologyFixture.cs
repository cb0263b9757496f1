using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace VibeZ.AppHost.Tests.Integration.Dashboard;

/// <summary>
/// A topology with Aspire's dashboard running, as <c>eng/run.sh</c> starts it: plain http (the launch profiles'
/// settings) and, for the browser, anonymous access (the dashboard's documented
/// <c>ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS</c>), on free ports so it never meets a dashboard someone runs. The
/// sentinel process topology runs it (<see cref="Sentinel.SentinelProcessTopologyTests"/>), so the dashboard's test costs
/// no topology of its own.
/// </summary>
public abstract class DashboardTopologyFixture(RedisTopologyKind kind, RedisRuntime runtime, int portOffset) : TopologyFixture(kind, runtime, portOffset)
{
    private const string DashboardResource = "aspire-dashboard";

    /// <summary>
    /// Gets the address the dashboard's browser page answers on: not the port it was given, because the testing builder
    /// puts every proxied endpoint on a random port, so it is read from the dashboard resource's URLs.
    /// </summary>
    public async Task<Uri> DashboardAddressAsync()
    {
        var dashboard = await TestWait.For(
            Notifications.WaitForResourceAsync(DashboardResource, e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.Urls.Any(u => u.Name == "http"), TestContext.Current.CancellationToken),
            TimeSpan.FromSeconds(60), $"the {DashboardResource} resource to run with an http URL", States);
        return new Uri(dashboard.Snapshot.Urls.First(u => u.Name == "http").Url);
    }

    /// <summary>Gets true: the dashboard's traces are what its tests read.</summary>
    protected override bool ExportsTelemetry => true;

    protected override IEnumerable<string> MoreArguments =>
    [
        $"--ASPNETCORE_URLS=http://localhost:{FreePort()}",
        $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://localhost:{FreePort()}",
        $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{FreePort()}",
        "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
        "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
    ];

    protected override void Configure(DistributedApplicationOptions options, HostApplicationBuilderSettings settings) =>
        options.DisableDashboard = false;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
