namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>Builds the AppHost's model, without starting anything and without asking the machine anything.</summary>
internal static class AppHostModel
{
    /// <summary>
    /// Names the container runtime, so that an explicit <c>VibeZ:Redis:Runtime</c> builds the model without starting a
    /// program: its check waits for the application to start, which model tests never do.
    /// </summary>
    public const string ContainerRuntime = "--ASPIRE_CONTAINER_RUNTIME=podman";

    /// <summary>Builds the model from <paramref name="args"/>, in <paramref name="environment"/> when given.</summary>
    /// <param name="args">The AppHost's command line, usually from <see cref="AppHostArguments.For"/>.</param>
    /// <param name="environment">The environment name; the testing builder's (Development) when omitted.</param>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(string[] args, string? environment = null) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.VibeZ_AppHost>(
                [.. args, ContainerRuntime],
                (_, settings) => settings.EnvironmentName = environment ?? settings.EnvironmentName,
                TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.BuildModel, TestContext.Current.CancellationToken);
}
