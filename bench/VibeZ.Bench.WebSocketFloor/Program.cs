using VibeZ.Bench.WebSocketFloor;

// Nothing on top of ASP.NET Core but what a channel server cannot do without: sockets kept open and a table of who
// listens to what. No Redis, no authentication, no protocol, no telemetry; the builder, the WebSocket options and the
// zero-byte reads are the Gateway's, so the difference between the two is what VibeZ itself holds per connection.
var builder = WebApplication.CreateBuilder(args);

var app = builder.Build();

// The Gateway's keep-alive (its KeepAliveTimeout default included): every production server pings its clients.
app.UseWebSockets(new WebSocketOptions
{
    KeepAliveInterval = TimeSpan.FromSeconds(15),
    KeepAliveTimeout = TimeSpan.FromSeconds(30),
});

var channels = new FloorChannels();
app.Map("/ws", channels.AcceptAsync);
app.MapGet("/health", () => Results.Ok());

app.Run();
