using System.Text.Json;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Broadcasts;
using VibeZ.Channels.Storage;
using VibeZ.Gateway.Security.Grants;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Api;

/// <summary>
/// Durable broadcasts: <c>POST /api/broadcasts</c> stores one for the Worker to publish now or later, and
/// <c>GET /api/broadcasts/{id}</c> tells what became of it. Storing needs the same grant as publishing over HTTP.
/// </summary>
internal static class BroadcastApiEndpoints
{
    // Room for channel, id and time around the data, which alone is held to MaxMessageBytes.
    private const int EnvelopeBytes = 4096;

    public static IEndpointRouteBuilder MapBroadcastApi(this IEndpointRouteBuilder endpoints)
    {
        var broadcasts = endpoints.MapClientApiGroup("/api/broadcasts");

        broadcasts.MapPost("/", ScheduleAsync);
        broadcasts.MapGet("/{id}", GetAsync);
        return endpoints;
    }

    private static async Task<IResult> ScheduleAsync(
        HttpRequest request,
        RedisBroadcastStore store,
        ClientAuthenticator auth,
        IOptions<GatewayOptions> options,
        IOptions<BroadcastOptions> broadcastOptions,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ChannelApiEndpoints.Problem(StatusCodes.Status415UnsupportedMediaType, GatewayErrorCodes.InvalidFrame, "The body must be sent as Content-Type: application/json.");
        }

        var maxData = options.Value.MaxMessageBytes;
        var body = await ChannelApiEndpoints.ReadBodyAsync(request, maxData + EnvelopeBytes, cancellationToken);
        if (body is null)
        {
            return BadInput(new BroadcastInputError("data", $"data is limited to {maxData} bytes"));
        }

        BroadcastRequest? broadcast;
        BroadcastInputError? error;
        try
        {
            using var document = JsonDocument.Parse(body.Value);
            BroadcastRequestReader.TryRead(document.RootElement, timeProvider.GetUtcNow(), broadcastOptions.Value.MaxDelay, maxData, out broadcast, out error);
        }
        catch (JsonException ex)
        {
            return ChannelApiEndpoints.Problem(
                StatusCodes.Status400BadRequest, GatewayErrorCodes.InvalidJson, $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        if (broadcast is null)
        {
            return BadInput(error!);
        }

        if (!auth.FromUser(request.HttpContext.User)!.ApiPublish.Allows(broadcast.Channel))
        {
            return ChannelApiEndpoints.Forbidden($"The token does not grant publishing over HTTP ({GatewayClaims.ApiPublish}) on {broadcast.Channel}.");
        }

        try
        {
            var scheduled = await store.ScheduleAsync(broadcast, cancellationToken);
            return Results.Accepted(
                $"/api/broadcasts/{scheduled.Id}",
                new { id = scheduled.Id, channel = broadcast.Channel, state = "scheduled", deliverAt = scheduled.DeliverAt, duplicate = scheduled.Duplicate });
        }
        catch (ChannelStoreException ex)
        {
            return ChannelApiEndpoints.Unavailable(ex);
        }
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, RedisBroadcastStore store, ClientAuthenticator auth, CancellationToken cancellationToken)
    {
        try
        {
            var status = await store.GetAsync(id, cancellationToken);

            // Someone without the grant learns nothing, not even that the id exists.
            if (status is null || !auth.FromUser(context.User)!.ApiPublish.Allows(status.Channel))
            {
                return ChannelApiEndpoints.Problem(StatusCodes.Status404NotFound, "not_found", $"No broadcast with this id is visible to this token.");
            }

            return Results.Ok(new
            {
                id = status.Id,
                channel = status.Channel,
                state = status.State,
                deliverAt = status.DeliverAt,
                offset = status.Offset,
                epoch = status.Epoch,
                error = status.Error,
            });
        }
        catch (ChannelStoreException ex)
        {
            return ChannelApiEndpoints.Unavailable(ex);
        }
    }

    private static IResult BadInput(BroadcastInputError error) => Results.Problem(
        detail: error.Message,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?>
        {
            ["code"] = error.Field == "channel" ? GatewayErrorCodes.InvalidChannel : GatewayErrorCodes.InvalidBroadcast,
            ["field"] = error.Field,
            ["retryable"] = false,
        });
}
