namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// Started topologies share the machine's ports and its two cores: they run one at a time, each shared by the tests
/// of its class.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IntegrationCollection
{
    public const string Name = "Started topologies";
}
