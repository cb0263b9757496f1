using System.Net;
using StackExchange.Redis;

namespace VibeZ.Redis.Configuration;

internal static class RedisEndPointFormatter
{
    // StackExchange.Redis writes IPv6 as [::1]:6379, the same form REDIS_* accepts.
    public static string Format(EndPoint endPoint) => EndPointCollection.ToString(endPoint);
}
