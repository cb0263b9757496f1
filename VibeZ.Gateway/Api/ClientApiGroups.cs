using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Api;

/// <summary>The route groups of the client HTTP API, which all ask for a bearer token the same way.</summary>
internal static class ClientApiGroups
{
    /// <summary>
    /// Maps a group under <paramref name="prefix"/>. When client tokens are switched on, a request without a valid
    /// bearer token gets 401 before anything is read; what a valid one grants is checked per channel by each endpoint.
    /// </summary>
    public static RouteGroupBuilder MapClientApiGroup(this IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix);
        if (endpoints.ServiceProvider.GetRequiredService<ClientAuthenticator>().Enabled)
        {
            group.RequireAuthorization();
        }

        return group;
    }
}
