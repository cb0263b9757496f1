using Microsoft.Extensions.Options;
using VibeZ.Gateway;
using VibeZ.Gateway.Api;
using VibeZ.Gateway.Connections;
using VibeZ.Gateway.Security;
using VibeZ.Gateway.Security.Browser;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();
builder.AddGatewaySecurity();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
var gateway = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
app.UseWebSockets(new WebSocketOptions
{
    KeepAliveInterval = TimeSpan.FromSeconds(15),
    KeepAliveTimeout = gateway.KeepAliveTimeoutSeconds > 0 ? TimeSpan.FromSeconds(gateway.KeepAliveTimeoutSeconds) : Timeout.InfiniteTimeSpan,
});
app.UseRateLimiter();
app.UseClientAuthentication();

app.MapDefaultEndpoints();
app.MapGatewayWebSockets();
app.MapChannelApi();
app.MapPresenceApi();
app.MapBroadcastApi();

app.Run();
