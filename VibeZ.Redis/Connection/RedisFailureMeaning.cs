using System.Net.Sockets;
using StackExchange.Redis;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Says what a connection failure usually means, in the words of docs/troubleshooting.md (<c>ECONNREFUSED</c>, <c>ETIMEDOUT</c> …), so an operator
/// reading "Redis reconnecting" knows where to look first.
/// </summary>
internal static class RedisFailureMeaning
{
    public const string Refused = "Redis not running or wrong port";
    public const string TimedOut = "network issues or firewall";
    public const string AuthenticationFailed = "authentication failed";
    public const string Closed = "connection closed by the server or the network";

    public static string Describe(ConnectionFailureType failureType, Exception? exception)
    {
        // The socket error is more precise than the failure type: UnableToConnect covers both refused and timed out.
        switch (FindSocketError(exception))
        {
            case SocketError.ConnectionRefused:
                return Refused;
            case SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                return TimedOut;
        }

        return failureType switch
        {
            ConnectionFailureType.AuthenticationFailure => AuthenticationFailed,
            ConnectionFailureType.UnableToConnect when exception?.Message.Contains("ConnectTimeout", StringComparison.Ordinal) == true => TimedOut,
            ConnectionFailureType.UnableToConnect => Refused,
            ConnectionFailureType.SocketClosed or ConnectionFailureType.SocketFailure or ConnectionFailureType.ConnectionDisposed => Closed,
            ConnectionFailureType.UnableToResolvePhysicalConnection => TimedOut,
            _ => failureType.ToString(),
        };
    }

    private static SocketError? FindSocketError(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }
}
