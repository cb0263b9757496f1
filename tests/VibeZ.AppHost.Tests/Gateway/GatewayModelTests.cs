using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Gateway;

/// <summary>Builds the AppHost's model and looks at the Gateway without starting anything.</summary>
public class GatewayModelTests
{
    [Fact]
    public async Task TwoGatewayReplicasRunBehindOneProxiedPort8080()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process));

        var gateway = appHost.Resources.Single(r => r.Name == "gateway");
        var http = gateway.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");

        Assert.Equal(2, gateway.GetReplicaCount());
        Assert.Equal(8080, http.Port);

        // Only a proxy can put several processes behind one port; each replica listens on a port of its own.
        Assert.True(http.IsProxied, "the Gateway's http endpoint must be proxied: it fronts every replica");
        Assert.Null(http.TargetPort);
    }

    [Fact]
    public async Task TheGatewaySigningKeyIsAGeneratedSecretParameterPassedAsGatewayAuthSigningKey()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process));

        var parameter = appHost.Resources.OfType<ParameterResource>().Single(p => p.Name == "gateway-signing-key");
        var gateway = (IResourceWithEnvironment)appHost.Resources.Single(r => r.Name == "gateway");
        // Publish mode evaluates the project's callbacks to expressions without waiting for ports to be allocated.
#pragma warning disable CS0618
        var environment = await gateway.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618

        Assert.True(parameter.Secret, "the signing key must be a secret parameter");
        Assert.Equal("{gateway-signing-key.value}", environment["Gateway__Auth__SigningKey"]);
    }

    [Fact]
    public async Task TwoWorkersShareTheBroadcasts()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process));

        Assert.Equal(2, appHost.Resources.Single(r => r.Name == "worker").GetReplicaCount());
    }

    [Fact]
    public async Task ReplicasAndPortComeFromTheGatewaySection()
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process, extra: ["--VibeZ:Gateway:Replicas=3", "--VibeZ:Gateway:Port=9080"]));

        var gateway = appHost.Resources.Single(r => r.Name == "gateway");

        Assert.Equal(3, gateway.GetReplicaCount());
        Assert.Equal(9080, gateway.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port);
    }

    [Fact]
    public async Task TheAppHostStopsAtOnceOnABadReplicaCount()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process, extra: "--VibeZ:Gateway:Replicas=0")));

        Assert.Contains("VibeZ:Gateway:Replicas is 0; at least one Gateway must run", ExceptionMessages.Flatten(error));
    }
}
