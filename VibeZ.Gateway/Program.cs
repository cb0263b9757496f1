using VibeZ.Gateway;
using VibeZ.Gateway.Api;
using VibeZ.Gateway.Connections;
using VibeZ.Gateway.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();
builder.AddGatewaySecurity();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
app.UseClientAuthentication();

app.MapDefaultEndpoints();
app.MapGatewayWebSockets();
app.MapChannelApi();
app.MapBroadcastApi();

app.Run();
