namespace VibeZ.AppHost.Tests.Infrastructure;

/// <summary>How long tests wait for things, generous enough for a 2-core machine under load.</summary>
internal static class TestTimeouts
{
    /// <summary>Building the model starts no program: Aspire's own model tests take milliseconds.</summary>
    public static readonly TimeSpan BuildModel = TimeSpan.FromSeconds(15);

    /// <summary>Building the model of a topology that asks the machine: container without a named runtime.</summary>
    public static readonly TimeSpan BuildModelAskingTheMachine = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan StartTopology = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);
}
