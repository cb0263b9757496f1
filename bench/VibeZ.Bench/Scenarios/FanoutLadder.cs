namespace VibeZ.Bench.Scenarios;

/// <summary>The rates and step lengths of each mode.</summary>
internal static class FanoutLadder
{
    private const double Ceiling = 2_000_000;
    private const double SmokeP99Ms = 10_000;

    public static FanoutSettings Settings(string scenario, string mode, int channels, int subscribers, int publishers, int messageBytes, IReadOnlyList<string> systems, IReadOnlyList<double>? rates, string output)
    {
        // Start where every publisher still sends a few hundred messages per step, however many subscribers each message reaches.
        var first = Math.Max(2_000, 50.0 * subscribers / channels);
        var settings = mode switch
        {
            // The smoke run checks that every system delivers everything through the harness, not how fast: on a shared
            // CI machine a latency bar would make it flaky, and performance is claimed only from real runs.
            "smoke" => new FanoutSettings(scenario, subscribers, publishers, messageBytes, rates ?? [50.0 * subscribers / channels],
                TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(2), SmokeP99Ms, mode, systems, output),
            "quick" => new FanoutSettings(scenario, subscribers, publishers, messageBytes, rates ?? Geometric(first, 2),
                TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), FanoutSettings.SustainedP99Ms, mode, systems, output),
            _ => new FanoutSettings(scenario, subscribers, publishers, messageBytes, rates ?? Geometric(first, Math.Sqrt(2)),
                TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), FanoutSettings.SustainedP99Ms, mode, systems, output),
        };
        return settings with { Channels = channels };
    }

    private static List<double> Geometric(double first, double factor)
    {
        var rates = new List<double>();
        for (var rate = first; rate <= Ceiling; rate *= factor)
        {
            rates.Add(Math.Round(rate / 100) * 100);
        }

        return rates;
    }
}
