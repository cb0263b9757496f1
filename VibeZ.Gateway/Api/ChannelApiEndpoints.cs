using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;
using VibeZ.Gateway.Security.Grants;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Api;

/// <summary>
/// The HTTP face of channels: publish with <c>POST /api/channels/{channel}/messages</c> (an <c>Idempotency-Key</c>
/// header plays the role of a frame's <c>id</c>) and read history with <c>GET</c> on the same path.
/// </summary>
internal static class ChannelApiEndpoints
{
    public static IEndpointRouteBuilder MapChannelApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapClientApiGroup("/api");

        var channels = api.MapGroup("/channels/{channel}/messages");
        channels.MapPost("/", PublishAsync);
        channels.MapGet("/", ReadAsync);
        // The page resends an unacked publish only while the Gateway still remembers its id, so a resend is never a
        // second message: it learns how long that is here.
        api.MapGet("/node", (GatewayNode node, IOptions<GatewayOptions> options) =>
            Results.Ok(new { node = node.Id, dedupeWindowSeconds = options.Value.DedupeWindowSeconds }));
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(
        string channel, HttpRequest request, ChannelHub hub, ClientAuthenticator auth, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        // A browser sends a text/plain POST to any site without asking first (a CORS "simple request"); JSON it must ask
        // about, and this Gateway answers no cross-origin question.
        if (!request.HasJsonContentType())
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, GatewayErrorCodes.InvalidFrame, "The body must be sent as Content-Type: application/json.");
        }

        if (!ChannelName.TryValidate(channel, allowReserved: false, out var channelError))
        {
            return Problem(StatusCodes.Status400BadRequest, channel == ChannelName.System ? GatewayErrorCodes.ReservedChannel : GatewayErrorCodes.InvalidChannel, channelError);
        }

        var client = auth.FromUser(request.HttpContext.User)!;
        if (!client.ApiPublish.Allows(channel))
        {
            return Forbidden($"The token does not grant publishing over HTTP ({GatewayClaims.ApiPublish}) on {channel}.");
        }

        var id = request.Headers["Idempotency-Key"].ToString();
        if (id.Length > GatewayDefaults.MaxMessageIdLength)
        {
            return Problem(StatusCodes.Status400BadRequest, GatewayErrorCodes.InvalidFrame, $"Idempotency-Key is at most {GatewayDefaults.MaxMessageIdLength} characters.");
        }

        var body = await ReadBodyAsync(request, options.Value.MaxMessageBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, GatewayErrorCodes.MessageTooLarge, $"Messages are limited to {options.Value.MaxMessageBytes} bytes.");
        }

        string data;
        try
        {
            using var document = JsonDocument.Parse(body.Value);
            data = document.RootElement.GetRawText();
        }
        catch (JsonException ex)
        {
            // Where, not what: the parser's message quotes the offending bytes, and an answer never echoes input.
            return Problem(
                StatusCodes.Status400BadRequest, GatewayErrorCodes.InvalidJson, $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        try
        {
            var result = await hub.PublishAsync(new PublishRequest(channel, client.Subject, id.Length > 0 ? id : Guid.NewGuid().ToString("N"), data), cancellationToken);
            return Results.Ok(new { offset = result.Position.Offset, epoch = result.Position.Epoch, duplicate = result.Duplicate });
        }
        catch (ChannelStoreException ex)
        {
            return Unavailable(ex);
        }
    }

    private static async Task<IResult> ReadAsync(
        string channel, string? since, string? limit, HttpContext context, IChannelStore store, ChannelHub hub, ClientAuthenticator auth, IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        if (!ChannelName.TryValidate(channel, allowReserved: false, out var channelError))
        {
            return Problem(StatusCodes.Status400BadRequest, channel == ChannelName.System ? GatewayErrorCodes.ReservedChannel : GatewayErrorCodes.InvalidChannel, channelError);
        }

        if (!auth.FromUser(context.User)!.History.Allows(channel))
        {
            return Forbidden($"The token does not grant reading history ({GatewayClaims.History}) of {channel}.");
        }

        // Bound as text and parsed here: a number ASP.NET cannot bind (too large, 1e3) would otherwise be a bare 400
        // without a problem body, and one that binds but no offset can reach (long.MaxValue) a 200 that overflows later.
        var pageSize = options.Value.MaxHistoryPageSize;
        if (!TryParseWhole(since, GatewayDefaults.MaxOffset, out var after) || !TryParseWhole(limit, pageSize, out var count) || count == 0 && limit is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, GatewayErrorCodes.InvalidFrame, $"since is a whole number from 0 to {GatewayDefaults.MaxOffset}; limit is from 1 to {pageSize}.");
        }

        // Refused rather than queued: an HTTP client can come back, and a queue of waiting requests would hold their
        // connections and memory; resumes and catch-ups, which cannot, wait for a place instead.
        if (!hub.HistoryReads.TryEnter(out var place))
        {
            return Problem(StatusCodes.Status429TooManyRequests, GatewayErrorCodes.TooManyHistoryReads,
                $"This Gateway is reading {hub.HistoryReads.Capacity} history pages already (Gateway:MaxConcurrentHistoryReads); try again shortly.", retryable: true);
        }

        try
        {
            // The current epoch, whatever it is; the answer names it. Only committed messages are ever read.
            var mark = new ChannelMark(new ChannelPosition(string.Empty, after), null);
            var history = await store.ReadAsync(channel, mark, limit is null ? pageSize : (int)count, cancellationToken);
            return new HistoryResult(channel, history, after);
        }
        catch (ChannelStoreException ex)
        {
            return Unavailable(ex);
        }
        finally
        {
            place.Dispose();
        }
    }

    /// <summary>Parses an optional query number: absent is 0, present is digits only, at most <paramref name="max"/>.</summary>
    private static bool TryParseWhole(string? text, long max, out long value)
    {
        value = 0;
        return text is null
            || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max);
    }

    /// <summary>Reads the body whole, or returns null when it is longer than <paramref name="limit"/>.</summary>
    internal static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Min(limit + 1, 16 * 1024));
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    // Redis refusing (OOM, NOPERM, BUSY, a script error) is Redis's answer, not a Gateway bug: 507 when it is out of
    // memory, 502 (the upstream said no) otherwise; a 500 would send operators looking in the wrong process.
    internal static IResult Unavailable(ChannelStoreException ex) => Problem(
        ex.Code == GatewayErrorCodes.IdConflict ? StatusCodes.Status409Conflict
            : ex.Code == GatewayErrorCodes.RedisRefused && ex.InnerException?.Message.StartsWith("OOM", StringComparison.Ordinal) == true ? StatusCodes.Status507InsufficientStorage
            : ex.Code == GatewayErrorCodes.RedisRefused ? StatusCodes.Status502BadGateway
            : ex.Retryable ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status500InternalServerError,
        ex.Code, ex.Message, ex.Retryable);

    internal static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, GatewayErrorCodes.Forbidden, detail);

    internal static IResult Problem(int status, string code, string detail, bool retryable = false) => Results.Problem(
        detail: detail,
        statusCode: status,
        extensions: new Dictionary<string, object?> { ["code"] = code, ["retryable"] = retryable });

    /// <summary>
    /// Writes history with the stored message frames as they are, without parsing them again. <c>partial</c> says that
    /// committed messages follow the page (it ended at its count or its bytes); <c>next</c> is the <c>since</c> that
    /// reads them.
    /// </summary>
    private sealed class HistoryResult(string channel, ChannelHistory history, long since) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter);
            writer.WriteStartObject();
            writer.WriteString("channel", channel);
            writer.WriteString("epoch", history.Position.Epoch);
            writer.WriteNumber("offset", history.Position.Offset);
            writer.WriteStartArray("messages");
            foreach (var message in history.Messages)
            {
                writer.WriteRawValue(message.Frame.Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("partial", history.Partial);
            writer.WriteNumber("next", history.Messages.Count > 0 ? history.Messages[^1].Offset : since);
            writer.WriteEndObject();
            await writer.FlushAsync();
        }
    }
}
