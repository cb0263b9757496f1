using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace VibeZ.Redis.Tests;

/// <summary>A real Kestrel app on a free loopback port with only the given configuration (no ambient REDIS_* variables).</summary>
internal sealed class TestWebApp : IAsyncDisposable
{
    private TestWebApp(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static Task<TestWebApp> StartAsync(string environment, params (string Key, string? Value)[] configuration) =>
        StartAsync(environment, _ => { }, configuration);

    /// <summary>The same app, with more added by <paramref name="configure"/> (e.g. fake logging) before it is built.</summary>
    public static async Task<TestWebApp> StartAsync(string environment, Action<WebApplicationBuilder> configure, params (string Key, string? Value)[] configuration)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(TestWebApp).Assembly.GetName().Name,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(configuration.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        configure(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        await TestWait.For(app.StartAsync(TestContext.Current.CancellationToken), "the test web app to start");

        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TestWait.Timeout };
        return new TestWebApp(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None).WaitAsync(TestWait.Timeout);
        await App.DisposeAsync();
    }
}
