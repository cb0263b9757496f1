using VibeZ.Worker.Broadcasts;
using VibeZ.Worker.Canary;
using VibeZ.Worker.Registry;

// A WebApplication rather than a bare generic host so the orchestrator can probe /health and /alive.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBroadcastDelivery();
builder.AddCanary();
builder.AddRegistryCleanup();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGet("/", () => "VibeZ Worker");

app.Run();
