using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using VibeZ.Gateway.Security.Grants;

namespace VibeZ.Gateway.Security.Tokens;

/// <summary>
/// Configures JwtBearer from <c>Gateway:Auth</c>: algorithms pinned, signature, <c>exp</c> and lifetime required, issuer
/// and audience checked when set, claims kept as the token names them. WebSocket frames are validated with the same
/// options (<see cref="ClientAuthenticator"/>), so a token means the same on every path.
/// </summary>
internal sealed class JwtBearerSetup(IOptions<GatewayAuthOptions> auth, TimeProvider timeProvider) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var settings = auth.Value;
        options.MapInboundClaims = false;
        options.TimeProvider = timeProvider;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = settings.EffectiveAlgorithms,
            IssuerSigningKeys = GatewaySigningKeys.Read(settings),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            ValidateIssuer = settings.Issuer is not null,
            ValidIssuer = settings.Issuer,
            ValidateAudience = settings.Audience is not null,
            ValidAudience = settings.Audience,
            // Token lifetimes are checked against the system clock: Microsoft.IdentityModel 8 keeps its TimeProvider internal.
            ClockSkew = settings.ClockSkew,
            NameClaimType = GatewayClaims.Subject,
        };

        if (!string.IsNullOrWhiteSpace(settings.JwksUrl))
        {
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                settings.JwksUrl, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = settings.RequireHttpsMetadata });
        }

        options.Events = new JwtBearerEvents
        {
            // The WebSocket endpoint keeps only a token's grants for the socket's life, not JwtBearer's cached result.
            OnMessageReceived = context =>
            {
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ValidatesItsOwnToken>() is not null)
                {
                    context.NoResult();
                }

                return Task.CompletedTask;
            },

            // A token without sub or exp validates as a JWT, but names nobody to scope ids to.
            OnTokenValidated = context =>
            {
                if (!ClientIdentity.TryCreate(context.Principal?.Identity as System.Security.Claims.ClaimsIdentity, out _, out var error))
                {
                    context.Fail(error);
                }

                return Task.CompletedTask;
            },
        };
    }
}
