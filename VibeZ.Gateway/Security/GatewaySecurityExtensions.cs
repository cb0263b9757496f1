using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeZ.Gateway.Security.Browser;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Security;

/// <summary>Registers and switches on client authentication (<c>Gateway:Auth</c>) and the origin check.</summary>
internal static class GatewaySecurityExtensions
{
    public static IHostApplicationBuilder AddGatewaySecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayAuthOptions>().BindConfiguration(GatewayDefaults.AuthSectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayAuthOptions>, GatewayAuthOptionsValidator>());
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddAuthorization();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ClientAuthenticator>();
        builder.Services.AddSingleton<OriginPolicy>();
        return builder;
    }

    /// <summary>
    /// Says at every start whether clients authenticate, then authenticates requests that carry a bearer token; in
    /// Development with an HMAC key it also hands out tokens (<see cref="DevTokenEndpoint"/>).
    /// </summary>
    public static WebApplication UseClientAuthentication(this WebApplication app)
    {
        // Reading the options validates them: a bad setting stops the Gateway here, naming it.
        var options = app.Services.GetRequiredService<IOptions<GatewayAuthOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILogger<ClientAuthenticator>>();
        if (options.Mode == GatewayAuthMode.None)
        {
            GatewayAuthLog.AuthenticationOff(logger);
        }
        else
        {
            var sources = new List<string>();
            if (options.EffectiveAlgorithms.Any(GatewaySigningKeys.IsHmac))
            {
                sources.Add("Gateway:Auth:SigningKey");
            }

            if (!string.IsNullOrWhiteSpace(options.PublicKeyPem))
            {
                sources.Add("Gateway:Auth:PublicKeyPem");
            }

            if (!string.IsNullOrWhiteSpace(options.JwksUrl))
            {
                sources.Add(options.JwksUrl);
            }

            GatewayAuthLog.AuthenticationOn(logger, string.Join("/", options.EffectiveAlgorithms), string.Join(", ", sources),
                options.Issuer ?? "(any)", options.Audience ?? "(any)");
        }

        app.UseAuthentication();
        app.UseAuthorization();
        if (app.Environment.IsDevelopment() && options.Mode == GatewayAuthMode.Jwt && app.TryMapDevTokens(options))
        {
            GatewayAuthLog.DevTokensOn(logger);
        }

        return app;
    }
}
