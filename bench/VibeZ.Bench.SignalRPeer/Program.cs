using StackExchange.Redis;
using VibeZ.Bench.SignalRPeer;

// Written the way the SignalR scale-out documentation sets it up: AddSignalR().AddStackExchangeRedis(...), a channel
// prefix so several apps can share one Redis, and nothing else tuned, so the peer is measured as people run it.
var builder = WebApplication.CreateBuilder(args);

var redis = builder.Configuration["Redis:Configuration"]
    ?? throw new InvalidOperationException("Set Redis:Configuration (environment Redis__Configuration) to a StackExchange.Redis configuration string.");

builder.Services.AddSignalR().AddStackExchangeRedis(redis, options =>
    options.Configuration.ChannelPrefix = RedisChannel.Literal("vibez-bench-signalr"));

var app = builder.Build();

app.MapHub<BenchHub>("/hub");
app.MapGet("/health", () => Results.Ok());

app.Run();
