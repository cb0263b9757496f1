using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Connection;

namespace VibeZ.Redis.Diagnostics;

/// <summary>
/// Endpoints that let integration tests see what a process is connected to and pass values between processes.
/// </summary>
public static class RedisDiagnosticsEndpoints
{
    /// <summary>
    /// Maps <c>GET /diagnostics/redis</c>, <c>PUT /diagnostics/redis/values/{key}</c> and
    /// <c>GET /diagnostics/redis/values/{key}</c>. Map only where diagnostics are wanted.
    /// </summary>
    /// <param name="endpoints">The route builder to add the endpoints to.</param>
    /// <returns>The same route builder, for chaining.</returns>
    public static IEndpointRouteBuilder MapRedisDiagnostics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var group = endpoints.MapGroup("/diagnostics/redis").ExcludeFromDescription();
        group.MapGet("/", Describe);
        group.MapPut("/values/{key}", PutValueAsync);
        group.MapGet("/values/{key}", GetValueAsync);
        return endpoints;
    }

    private static RedisDiagnosticsResponse Describe(
        IConnectionMultiplexer multiplexer,
        RedisConnectionSettings settings,
        [FromServices] RedisConnector connector,
        [FromServices] NatMapTunnel? tunnel)
    {
        var endpoints = DescribeEndpoints(multiplexer, tunnel);
        if (connector.Sentinels is IConnectionMultiplexer sentinels)
        {
            endpoints = endpoints.Concat(DescribeEndpoints(sentinels, tunnel));
        }

        return new RedisDiagnosticsResponse(settings.Mode.ToString().ToLowerInvariant(), [.. endpoints]);
    }

    private static IEnumerable<RedisEndpointDiagnostics> DescribeEndpoints(IConnectionMultiplexer multiplexer, NatMapTunnel? tunnel) =>
        multiplexer.GetEndPoints().Select(endPoint =>
        {
            var server = multiplexer.GetServer(endPoint);
            var role = server.ServerType == ServerType.Sentinel ? "sentinel" : server.IsReplica ? "replica" : "primary";
            EndPoint dialed = tunnel?.GetDialedEndPoint(endPoint) ?? endPoint;
            return new RedisEndpointDiagnostics(
                RedisEndPointFormatter.Format(endPoint), RedisEndPointFormatter.Format(dialed), server.IsConnected, role);
        });

    private static async Task<IResult> PutValueAsync(string key, HttpRequest request, IConnectionMultiplexer multiplexer)
    {
        using var reader = new StreamReader(request.Body);
        var value = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        await multiplexer.GetDatabase().StringSetAsync(RedisKeys.DiagnosticsValue(key), value, RedisKeys.DiagnosticsValueExpiry);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetValueAsync(string key, IConnectionMultiplexer multiplexer)
    {
        var value = await multiplexer.GetDatabase().StringGetAsync(RedisKeys.DiagnosticsValue(key));
        return value.IsNull ? TypedResults.NotFound() : TypedResults.Text(value.ToString());
    }
}
