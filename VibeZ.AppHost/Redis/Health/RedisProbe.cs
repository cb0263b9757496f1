using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Sends one command to one node and reads its reply. Health checks and cluster set-up must ask exactly the node they
/// name; a StackExchange.Redis multiplexer would follow cluster redirects and sentinel answers to other nodes instead.
/// </summary>
internal static class RedisProbe
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Runs <paramref name="command"/> on 127.0.0.1:<paramref name="port"/> of <paramref name="topology"/> after AUTH and returns the reply as text.</summary>
    /// <exception cref="RedisProbeException">The node answered with an error, or could not be reached.</exception>
    public static async Task<string> QueryAsync(RedisTopologyResource topology, int port, string password, string[] command, CancellationToken cancellationToken) =>
        await QueryAsync(topology, port, user: null, password, command, cancellationToken);

    /// <summary>Runs <paramref name="command"/> as the ACL user <paramref name="user"/> (the <c>default</c> user when null).</summary>
    /// <exception cref="RedisProbeException">The node answered with an error, or could not be reached.</exception>
    public static async Task<string> QueryAsync(RedisTopologyResource topology, int port, string? user, string password, string[] command, CancellationToken cancellationToken) =>
        await StartAsync(topology, port, user, password, command, DefaultTimeout, DefaultTimeout, cancellationToken)
            ?? throw new RedisProbeException($"127.0.0.1:{port} did not answer {command[0]} within {DefaultTimeout.TotalSeconds:0} s");

    /// <summary>
    /// Sends <paramref name="command"/> after AUTH and waits at most <paramref name="answerWithin"/> for its reply: for
    /// commands that block the node (<c>DEBUG SLEEP</c>), whose reply comes long after, while a refusal comes at once.
    /// </summary>
    /// <returns>The reply as text, or <see langword="null"/> when none came in time: the node is still running the command.</returns>
    /// <exception cref="RedisProbeException">The node answered with an error, closed the connection, or could not be reached.</exception>
    public static Task<string?> StartAsync(RedisTopologyResource topology, int port, string password, string[] command, TimeSpan answerWithin, CancellationToken cancellationToken) =>
        StartAsync(topology, port, user: null, password, command, DefaultTimeout, answerWithin, cancellationToken);

    /// <summary>Whether the node answers <c>PING</c>, the connection and <c>AUTH</c> included, within <paramref name="within"/>.</summary>
    public static async Task<bool> AnswersAsync(RedisTopologyResource topology, int port, string password, TimeSpan within, CancellationToken cancellationToken)
    {
        try
        {
            return await StartAsync(topology, port, user: null, password, ["PING"], within, within, cancellationToken) == "PONG";
        }
        catch (RedisProbeException)
        {
            return false;
        }
    }

    private static async Task<string?> StartAsync(RedisTopologyResource topology, int port, string? user, string password, string[] command, TimeSpan connectWithin, TimeSpan answerWithin, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectWithin);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(RedisTopologyResource.HostAddress, port, timeout.Token);
            await using var stream = await OpenAsync(topology, client, timeout.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);

            await WriteAsync(stream, user is null ? ["AUTH", password] : ["AUTH", user, password], timeout.Token);
            await ReadReplyAsync(reader, timeout.Token);
            await WriteAsync(stream, command, timeout.Token);

            using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            answer.CancelAfter(answerWithin);
            try
            {
                return await ReadReplyAsync(reader, answer.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The node has the command and is busy with it; closing the connection does not stop it.
                return null;
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new RedisProbeException($"127.0.0.1:{port} did not answer {command[0]}: {ex.Message}", ex);
        }
    }

    /// <summary>The connection's stream: TLS, checked against the topology's own CA, when the topology speaks TLS.</summary>
    private static async Task<Stream> OpenAsync(RedisTopologyResource topology, TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        if (topology.Tls is not { } tls)
        {
            return stream;
        }

        var secured = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await secured.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = RedisTopologyResource.HostAddress,
                RemoteCertificateValidationCallback = tls.ValidateServer,
            }, cancellationToken);
            return secured;
        }
        catch
        {
            await secured.DisposeAsync();
            throw;
        }
    }

    private static async Task WriteAsync(Stream stream, string[] command, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var part in command)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
    }

    // Enough of RESP2 for the replies probes read: status, error, integer, bulk string and (nested) arrays, flattened to lines.
    private static async Task<string> ReadReplyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("The connection closed.");
        switch (line[0])
        {
            case '+' or ':':
                return line[1..];
            case '-':
                throw new RedisProbeException(line[1..]) { IsErrorReply = true };
            case '$':
                var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return "";
                }

                var buffer = new char[length + 2];
                await reader.ReadBlockAsync(buffer, cancellationToken);
                return new string(buffer, 0, length);
            case '*':
                var count = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                var items = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    items.Add(await ReadReplyAsync(reader, cancellationToken));
                }

                return string.Join('\n', items);
            default:
                throw new IOException($"Unexpected reply '{line}'.");
        }
    }
}
