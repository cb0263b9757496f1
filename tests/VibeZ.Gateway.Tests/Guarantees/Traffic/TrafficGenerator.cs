using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>
/// Traffic for one run, recorded into a <see cref="History"/>: four publishers with unique ids (WebSocket and HTTP on
/// each of two Gateways, <see cref="PublishInterval"/> apart each, round the channels; two of them probe dedupe), and
/// four subscribers on every channel (two per Gateway; one of each pair resumes with <c>since</c> on the other Gateway
/// when told). <see cref="StopAsync"/> stops publishing, waits for answers and deliveries to settle, and reads every
/// channel's history from every live Gateway.
/// </summary>
public sealed class TrafficGenerator : IAsyncDisposable
{
    /// <summary>The time between two publishes of one publisher: 25 messages/s each, 100 in all.</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(40);

    private static readonly TimeSpan ResumeAway = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(12);

    private readonly History _history;
    private readonly GatewaySet _gateways;
    private readonly IReadOnlyList<string> _channels;
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { Authorization = new("Bearer", GatewayTokens.Mint()) },
    };
    private readonly AckedMessages _acked = new();
    private readonly List<WebSocketPublisher> _socketPublishers = [];
    private readonly List<HttpPublisher> _httpPublishers = [];
    private readonly List<TrafficSubscriber> _stayers = [];
    private readonly List<TrafficSubscriber> _resumers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _publishing = [];

    public TrafficGenerator(History history, IReadOnlyList<GatewayProcess> gateways, IReadOnlyList<string> channels)
    {
        _history = history;
        _gateways = new GatewaySet(gateways);
        _channels = channels;
        for (var home = 0; home < gateways.Count; home++)
        {
            var gateway = GatewaySet.Name(home).ToLowerInvariant();
            _socketPublishers.Add(new WebSocketPublisher($"ws-{gateway}", history, _gateways, home, _acked, probes: home == 0));
            _httpPublishers.Add(new HttpPublisher($"http-{gateway}", history, _gateways, home, _http, _acked, probes: home == 1));
            _stayers.Add(new TrafficSubscriber($"stay-{gateway}", history, _gateways, home, channels));
            _resumers.Add(new TrafficSubscriber($"resume-{gateway}", history, _gateways, home, channels));
        }
    }

    private IEnumerable<TrafficSubscriber> Subscribers => _stayers.Concat(_resumers);

    /// <summary>Subscribes everyone (publishing starts only once every subscriber is subscribed), then starts the publishers.</summary>
    public async Task StartAsync()
    {
        await Task.WhenAll(Subscribers.Select(s => s.StartAsync()));
        _publishing.AddRange(_socketPublishers.Select(p => Task.Run(() => p.RunAsync(_channels, PublishInterval, _stop.Token))));
        _publishing.AddRange(_httpPublishers.Select(p => Task.Run(() => p.RunAsync(_channels, PublishInterval, _stop.Token))));
    }

    /// <summary>Makes the resuming subscribers drop their connections and resume with <c>since</c> on another Gateway.</summary>
    public Task ResumeSubscribersAsync() => Task.WhenAll(_resumers.Select(s => s.ResumeElsewhereAsync(ResumeAway)));

    /// <summary>
    /// Stops publishing; waits until every publish is answered or given up and every subscriber has caught up with
    /// every position clients saw in its epoch (or the settle time ran out: the checker reports what is missing); reads
    /// every channel's history from every live Gateway.
    /// </summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await TestWait.For(Task.WhenAll(_publishing), "the publishers to stop");
        await Task.WhenAll(_socketPublishers.Select(p => p.DrainAsync(DrainTimeout)).Concat(_httpPublishers.Select(p => p.DrainAsync(DrainTimeout))));
        await SettleAsync();
        await ReadHistoriesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var publisher in _socketPublishers)
        {
            await publisher.DisposeAsync();
        }

        foreach (var subscriber in Subscribers)
        {
            await subscriber.DisposeAsync();
        }

        _http.Dispose();
    }

    private async Task SettleAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < SettleTimeout && Behind() is not null)
        {
            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>The first subscriber that is not yet subscribed or stands before a position some client saw in its epoch, or null.</summary>
    private string? Behind()
    {
        var newest = new Dictionary<(string Channel, string Epoch), long>();
        foreach (var observation in _history.Snapshot())
        {
            var (channel, position) = observation switch
            {
                Observation.Acked a => (a.Channel, a.Position),
                Observation.Delivered d => (d.Channel, d.Position),
                _ => (null, default),
            };
            if (channel is not null)
            {
                newest[(channel, position.Epoch)] = Math.Max(newest.GetValueOrDefault((channel, position.Epoch)), position.Offset);
            }
        }

        foreach (var subscriber in Subscribers)
        {
            var (positions, subscribed) = subscriber.State;
            var behind = _channels.FirstOrDefault(c => !positions.TryGetValue(c, out var at) || at.Offset < newest.GetValueOrDefault((c, at.Epoch)));
            if (!subscribed || behind is not null)
            {
                return $"{subscriber.Name} {(subscribed ? $"is behind on {behind}" : "is not subscribed")}";
            }
        }

        return null;
    }

    private async Task ReadHistoriesAsync()
    {
        foreach (var index in _gateways.From(0))
        {
            foreach (var channel in _channels)
            {
                await HistoryReader.ReadAsync(_history, _http, _gateways, index, channel);
            }
        }
    }
}
