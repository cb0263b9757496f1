using System.Net;
using System.Net.WebSockets;

namespace VibeZ.Gateway.Tests.Integration.Security;

/// <summary>The Gateway the security tests share, and how they knock on its door.</summary>
public sealed partial class SecurityTests
{
    /// <summary>The status the Gateway answers a WebSocket handshake with this bearer token (and origin).</summary>
    private async Task<HttpStatusCode> HandshakeStatusAsync(string token, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await socket.ConnectAsync(Gateway.WebSocketAddress, TestContext.Current.CancellationToken).WaitAsync(TestWait.Timeout);
        }
        catch (WebSocketException)
        {
            // Refused: the status says how.
        }

        return socket.HttpStatusCode;
    }

    /// <summary>
    /// One redis-server and one Gateway that checks issuer and audience, allows one extra origin, and asks for a new
    /// token 2 s before one runs out (no clock skew), with 2 s to send a connect frame.
    /// </summary>
    public sealed class SecuredGateway : IAsyncLifetime
    {
        public const string Issuer = "vibez-tests-issuer";
        public const string Audience = "vibez-tests";

        private RedisServerProcess? _redis;

        public GatewayProcess Gateway { get; private set; } = null!;

        public string BadToken(string kind) => GatewayTokens.Bad(kind, Issuer, Audience);

        public async ValueTask InitializeAsync()
        {
            _redis = new RedisServerProcess();
            await _redis.InitializeAsync();
            Gateway = await GatewayProcess.StartAsync(
            [
                ("REDIS_MODE", "single"), ("REDIS_URL", $"redis://127.0.0.1:{_redis.Port}"), ("REDIS_PASSWORD", _redis.Password),
                ("Gateway__Auth__Issuer", Issuer), ("Gateway__Auth__Audience", Audience),
                ("Gateway__Auth__RefreshGraceSeconds", "2"), ("Gateway__Auth__ClockSkewSeconds", "0"), ("Gateway__Auth__ConnectTimeoutSeconds", "2"),
                ("Gateway__AllowedOrigins__0", AllowedOrigin),
            ]);
        }

        public async ValueTask DisposeAsync()
        {
            if (Gateway is not null)
            {
                await Gateway.DisposeAsync();
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
    }
}
