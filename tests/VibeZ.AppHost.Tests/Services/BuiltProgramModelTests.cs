using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Services;

/// <summary>How the AppHost starts its services: their build output, unless an IDE or <c>dotnet watch</c> runs them.</summary>
public class BuiltProgramModelTests
{
    [Theory]
    [InlineData("gateway", "VibeZ.Gateway")]
    [InlineData("worker", "VibeZ.Worker")]
    public async Task EachServiceRunsItsBuildOutputWithDotnetInItsProjectFolder(string service, string project)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process));

        var resource = (ProjectResource)appHost.Resources.Single(r => r.Name == service);
        var projectFolder = Path.GetDirectoryName(resource.GetProjectMetadata().ProjectPath)!;
        var executable = resource.Annotations.OfType<ExecutableAnnotation>().Single();
#pragma warning disable CS0618 // Publish mode resolves the arguments without a running application.
        var arguments = await resource.GetArgumentValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618

        Assert.Equal("dotnet", executable.Command);
        Assert.Equal(projectFolder, executable.WorkingDirectory);
        var program = Assert.Single(arguments);
        Assert.Equal(Path.Combine(projectFolder, "bin"), Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(program))));
        Assert.Equal(project + ".dll", Path.GetFileName(program));
        Assert.True(File.Exists(program), $"{service} would run {program}, which the build did not write");
    }

    [Theory]
    [InlineData("--DEBUG_SESSION_PORT=localhost:1234")]
    [InlineData("--DOTNET_WATCH=true")]
    public async Task AnIdeSessionOrDotnetWatchKeepsAspiresOwnLaunch(string setting)
    {
        await using var appHost = await AppHostModel.CreateAsync(AppHostArguments.For(RedisTopologyKind.Single, RedisRuntime.Process, extra: setting));

        foreach (var service in new[] { "gateway", "worker" })
        {
            var resource = appHost.Resources.Single(r => r.Name == service);
            Assert.Empty(resource.Annotations.OfType<ExecutableAnnotation>());
            Assert.Empty(resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>());
        }
    }
}
