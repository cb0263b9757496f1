using VibeZ.Gateway;
using VibeZ.Gateway.Api;
using VibeZ.Gateway.Connections;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });

app.MapDefaultEndpoints();
app.MapGatewayWebSockets();
app.MapChannelApi();

app.Run();
