using System.Net.WebSockets;
using VibeZ.Gateway.Security;
using VibeZ.Gateway.Security.Grants;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// Who the client is: from its upgrade request's bearer token, or from its first frame (<c>connect</c>), which a
/// browser must use; until then nothing else is accepted. A token is honoured until its <c>exp</c> (plus the clock
/// skew): the Gateway asks for a new one with a <c>refresh</c> frame <c>Gateway:Auth:RefreshGraceSeconds</c> before,
/// and closes the connection with 1008 if none came.
/// </summary>
internal sealed partial class GatewayConnection
{
    private readonly ClientAuthenticator _auth;
    private readonly ClientIdentity? _initialIdentity;
    private readonly Lock _authLock = new();
    private ClientIdentity? _identity;
    private ITimer? _authTimer;
    private bool _refreshAsked;

    /// <summary>Gets the scope of this client's message ids.</summary>
    private string Scope => _identity!.Subject;

    private void StartAuthentication()
    {
        if (_initialIdentity is not null)
        {
            Accept(_initialIdentity);
            return;
        }

        lock (_authLock)
        {
            _authTimer = _auth.Time.CreateTimer(_ => OnConnectTimeout(), null, _auth.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnConnectTimeout()
    {
        lock (_authLock)
        {
            if (_identity is null && _authTimer is not null)
            {
                Refuse(null, $"no connect frame within {_auth.Options.ConnectTimeoutSeconds:0.#} s", "no connect frame");
            }
        }
    }

    private void StopAuthentication()
    {
        lock (_authLock)
        {
            _authTimer?.Dispose();
            _authTimer = null;
        }
    }

    /// <summary>Whether a channel frame may be handled: the client authenticated and its token has not run out.</summary>
    private bool CheckAuthenticated(ClientFrame frame)
    {
        if (_identity is not { } identity)
        {
            Refuse(frame.Id, "send {\"type\":\"connect\",\"token\":…} first", "not authenticated");
            return false;
        }

        if (_auth.Deadline(identity) <= _auth.Time.GetUtcNow())
        {
            Close(WebSocketCloseStatus.PolicyViolation, "token expired", warn: false);
            return false;
        }

        return true;
    }

    private async Task ConnectAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (_identity is not null)
        {
            Reject(ServerFrames.Error(frame.Id, null, GatewayErrorCodes.InvalidFrame, "Already connected; send a new token with {\"type\":\"refresh\",\"token\":…}.", retryable: false));
            return;
        }

        var (client, error) = await _auth.ValidateAsync(frame.Token!, cancellationToken);
        if (client is null)
        {
            GatewayAuthLog.TokenRefused(_logger, Id, error);
            Refuse(frame.Id, error, "invalid token");
            return;
        }

        Accept(client);
        TrySend(ServerFrames.Connected(client.Subject, client.Expires));
    }

    private async Task RefreshAsync(ClientFrame frame, CancellationToken cancellationToken)
    {
        if (_identity is not { } current)
        {
            Refuse(frame.Id, "send {\"type\":\"connect\",\"token\":…} first", "not authenticated");
            return;
        }

        var (client, error) = await _auth.ValidateAsync(frame.Token!, cancellationToken);
        if (client is not null && client.Subject != current.Subject)
        {
            // Ids are scoped to the subject: a connection keeps the one it started with.
            (client, error) = (null, $"the new token is for another '{GatewayClaims.Subject}'");
        }

        if (client is null)
        {
            // The connection keeps its current token, and is closed when that runs out.
            GatewayAuthLog.TokenRefused(_logger, Id, error);
            TrySend(ServerFrames.Error(frame.Id, null, GatewayErrorCodes.Unauthorized, "Refresh refused: " + error + ".", retryable: false));
            return;
        }

        Accept(client);
        TrySend(ServerFrames.Refreshed(client.Expires));

        // A new token may grant less: leave what it no longer grants.
        foreach (var channel in _channels.Where(c => c != ChannelName.System && !client.Subscribe.Allows(c)).ToList())
        {
            await LeaveAsync(channel);
            TrySend(ServerFrames.Unsubscribed(channel));
        }
    }

    /// <summary>Answers with an <c>unauthorized</c> error and closes with 1008: a client without a valid token gets nothing else.</summary>
    private void Refuse(string? id, string message, string closeReason)
    {
        TrySend(ServerFrames.Error(id, null, GatewayErrorCodes.Unauthorized, "Not authenticated: " + message + ".", retryable: false));
        Close(WebSocketCloseStatus.PolicyViolation, closeReason, warn: false);
    }

    private void Forbid(ClientFrame frame, string action) =>
        TrySend(ServerFrames.Error(frame.Id, frame.Channel, GatewayErrorCodes.Forbidden, $"The token does not grant {action} on {frame.Channel}.", retryable: false));

    private void Accept(ClientIdentity client)
    {
        lock (_authLock)
        {
            _identity = client;
            _refreshAsked = false;
            _authTimer?.Dispose();
            _authTimer = null;
            if (_auth.Deadline(client) is { } deadline)
            {
                var ask = deadline - _auth.Options.RefreshGrace - _auth.Time.GetUtcNow();
                _authTimer = _auth.Time.CreateTimer(_ => OnTokenTimer(client), null, ask > TimeSpan.Zero ? ask : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnTokenTimer(ClientIdentity client)
    {
        lock (_authLock)
        {
            if (!ReferenceEquals(_identity, client) || _authTimer is null)
            {
                return;
            }

            var left = _auth.Deadline(client)!.Value - _auth.Time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                Close(WebSocketCloseStatus.PolicyViolation, "token expired", warn: false);
                return;
            }

            if (!_refreshAsked)
            {
                _refreshAsked = true;
                TrySend(ServerFrames.RefreshRequest(_auth.Deadline(client)!.Value));
            }

            _authTimer.Change(left, Timeout.InfiniteTimeSpan);
        }
    }
}
