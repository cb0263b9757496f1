namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The three secrets of a topology, each for one kind of client. The operator (and the AppHost, for health checks and
/// fault commands) keeps Redis's <c>default</c> user. Services connect as <see cref="ServiceUser"/>, which may run only
/// what VibeZ runs on VibeZ's own keys and channels. Sentinels talk to each other and to the data nodes as
/// <see cref="SentinelUser"/>, with a password of their own.
/// </summary>
/// <param name="Password">The <c>default</c> user's password on every node and sentinel.</param>
/// <param name="ServicePassword">The password of <see cref="ServiceUser"/>, which services get as <c>REDIS_PASSWORD</c>.</param>
/// <param name="SentinelPassword">The password of <see cref="SentinelUser"/>.</param>
public sealed record RedisTopologyCredentials(ParameterResource Password, ParameterResource ServicePassword, ParameterResource SentinelPassword)
{
    /// <summary>The ACL user services connect as (<c>REDIS_USERNAME</c>).</summary>
    public const string ServiceUser = "vibez-app";

    /// <summary>The ACL user sentinels connect to data nodes and to each other as.</summary>
    public const string SentinelUser = "vibez-sentinel";

    internal async Task<RedisTopologySecrets> ResolveAsync(CancellationToken cancellationToken) => new(
        await Password.GetValueAsync(cancellationToken) ?? "",
        await ServicePassword.GetValueAsync(cancellationToken) ?? "",
        await SentinelPassword.GetValueAsync(cancellationToken) ?? "");
}
