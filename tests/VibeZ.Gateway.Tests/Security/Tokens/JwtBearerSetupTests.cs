using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VibeZ.Gateway.Security;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Tests.Security.Tokens;

/// <summary>What JwtBearer does with a request before it validates anything.</summary>
public sealed class JwtBearerSetupTests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task JwtBearerLeavesOnlyAnEndpointThatValidatesItsOwnTokenUnauthenticated(bool validatesItsOwnToken, bool leftAlone)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:Auth:SigningKey"] = GatewayTokens.SigningKey });
        builder.AddGatewaySecurity();
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var http = new DefaultHttpContext();
        http.SetEndpoint(new Endpoint(null, validatesItsOwnToken ? new EndpointMetadataCollection(ValidatesItsOwnToken.Instance) : EndpointMetadataCollection.Empty, "/ws"));
        var context = new MessageReceivedContext(http, new AuthenticationScheme(JwtBearerDefaults.AuthenticationScheme, null, typeof(JwtBearerHandler)), options);

        await options.Events.MessageReceived(context);

        Assert.Equal(leftAlone, context.Result is { None: true });
    }
}
