using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VibeZ.Gateway.Api;

namespace VibeZ.Gateway.Connections;

/// <summary>
/// The per-address bound on HTTP requests (<c>Gateway:HttpRequestsPerSecondPerIp</c>, a token bucket per client IP),
/// as ASP.NET Core's global rate limiter. <c>Program.cs</c> runs it before authentication, so an address that sends
/// requests faster than that gets 429 <c>rate_limited</c> without costing a token validation.
/// </summary>
internal static class HttpRateLimit
{
    private const string Unlimited = "(health)";

    /// <summary>Registers the limiter; <c>app.UseRateLimiter()</c> applies it.</summary>
    public static IServiceCollection AddHttpRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((limiter, gateway) =>
        {
            var options = gateway.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsHealthCheck(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter(Unlimited)
                    : RateLimitPartition.GetTokenBucketLimiter(ConnectionLimiter.Normalize(context.Connection.RemoteIpAddress).ToString(), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.HttpRequestBurstPerIp,
                        TokensPerPeriod = options.HttpRequestsPerSecondPerIp,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,

                        // The partitioned limiter's own heartbeat refills every bucket (and drops idle ones), so a
                        // thousand addresses do not mean a thousand timers.
                        AutoReplenishment = false,
                    }));
            limiter.OnRejected = (rejected, _) => new ValueTask(ChannelApiEndpoints.Problem(StatusCodes.Status429TooManyRequests, GatewayErrorCodes.RateLimited,
                $"This address sent more than {options.HttpRequestsPerSecondPerIp} requests a second (Gateway:HttpRequestsPerSecondPerIp, bursts of " +
                $"{options.HttpRequestBurstPerIp}); try again shortly.", retryable: true).ExecuteAsync(rejected.HttpContext));
        });
        return services;
    }

    // Orchestrators and load balancers probe these as often as they like; refusing them would take a healthy Gateway
    // out of rotation.
    private static bool IsHealthCheck(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/alive", StringComparison.OrdinalIgnoreCase);
}
