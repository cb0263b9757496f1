namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>The Gateways traffic may use, named A, B, … in observations; a killed one is skipped.</summary>
internal sealed class GatewaySet(IReadOnlyList<GatewayProcess> gateways)
{
    public int Count => gateways.Count;

    public GatewayProcess this[int index] => gateways[index];

    public static string Name(int index) => ((char)('A' + index)).ToString();

    /// <summary>The live Gateways, starting with <paramref name="first"/> and going round.</summary>
    public IEnumerable<int> From(int first) =>
        Enumerable.Range(0, Count).Select(k => (first + k) % Count).Where(index => !gateways[index].HasExited);
}
