using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using VibeZ.Gateway.Tests.Guarantees.Observations;

namespace VibeZ.Gateway.Tests.Guarantees.Traffic;

/// <summary>
/// A client publishing with <c>POST /api/channels/{channel}/messages</c> and an <c>Idempotency-Key</c>, at a fixed
/// rate with a bounded number of requests in flight. A retryable error makes it send again to the same Gateway; a
/// request that got no answer (refused, or timed out) goes again to another one. With probes on, it resends messages
/// other clients had acked (same data every 40th tick, other data once).
/// </summary>
internal sealed class HttpPublisher(string name, History history, GatewaySet gateways, int home, HttpClient http, AckedMessages acked, bool probes)
{
    public const int MaxAttempts = 4;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(300);

    private readonly SemaphoreSlim _slots = new(32);
    private readonly List<Task> _publishes = [];
    private readonly Dictionary<(string Channel, string Id), int> _attempts = [];
    private readonly Random _random = new(name.GetHashCode(StringComparison.Ordinal));
    private volatile int _gateway = home;

    public async Task RunAsync(IReadOnlyList<string> channels, TimeSpan interval, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        for (long tick = 1; !stop.IsCancellationRequested; tick++)
        {
            await StartAsync(OutgoingMessage.Create(channels[(int)(tick % channels.Count)], name, tick));
            if (probes && (tick == 30 || tick % 40 == 0) && acked.Pick(_random, name, own: false) is { } other)
            {
                await StartAsync(tick == 30 ? other.Conflicting() : other.Again());
            }

            var wait = interval * tick - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, CancellationToken.None);
            }
        }
    }

    /// <summary>Waits for every publish to be answered or given up, at most <paramref name="timeout"/>.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        Task[] publishes;
        lock (_publishes)
        {
            publishes = [.. _publishes];
        }

        await Task.WhenAll(publishes).WaitAsync(timeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Publishes <paramref name="message"/>, resending after retryable errors and unanswered requests; returns the last answer.</summary>
    public async Task<Observation> PublishAsync(OutgoingMessage message)
    {
        var gateway = _gateway;
        while (true)
        {
            var (answer, attempt) = await SendOnceAsync(message, gateway);
            switch (answer)
            {
                case Observation.Errored { Retryable: true } when attempt < MaxAttempts:
                    break;
                case Observation.Unanswered when attempt < MaxAttempts:
                    gateway = gateways.From(gateway + 1).FirstOrDefault(gateway);
                    break;
                default:
                    return answer;
            }

            await Task.Delay(RetryDelay, CancellationToken.None);
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> once to Gateway <paramref name="gateway"/> and records the send and its answer;
    /// a client that waits less than <see cref="RequestTimeout"/> gives up (and drops the request) after <paramref name="timeout"/>.
    /// </summary>
    public async Task<(Observation Answer, int Attempt)> SendOnceAsync(OutgoingMessage message, int gateway, TimeSpan? timeout = null)
    {
        var patience = timeout ?? RequestTimeout;
        int attempt;
        lock (_attempts)
        {
            attempt = _attempts[(message.Channel, message.Id)] = _attempts.GetValueOrDefault((message.Channel, message.Id)) + 1;
        }

        var connection = $"{name}@{GatewaySet.Name(gateway)}";
        var sentAt = history.Now;
        history.Add(new Observation.Sent(sentAt, name, connection, GatewaySet.Name(gateway), "http", message.Channel, message.Id, message.Data, attempt, message.Probe));
        Observation answer;
        try
        {
            using var giveUp = new CancellationTokenSource(patience);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateways[gateway].BaseAddress, $"/api/channels/{message.Channel}/messages"))
            {
                Content = new StringContent(message.Data, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", message.Id);
            using var response = await http.SendAsync(request, giveUp.Token);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(giveUp.Token);
            answer = response.IsSuccessStatusCode
                ? new Observation.Acked(history.Now, name, connection, message.Channel, message.Id, attempt, RecordingSocket.PositionOf(body!), (bool?)body!["duplicate"], sentAt)
                : new Observation.Errored(history.Now, name, connection, message.Channel, message.Id, attempt, (string?)body?["code"] ?? $"http_{(int)response.StatusCode}", (bool?)body?["retryable"] ?? false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            answer = new Observation.Unanswered(history.Now, name, connection, message.Channel, message.Id, attempt, ex is OperationCanceledException ? $"no answer within {patience.TotalSeconds:0.#} s" : ex.Message);
            if (ex is HttpRequestException && gateways[gateway].HasExited)
            {
                // That Gateway is gone for good: publish through another from now on.
                _gateway = gateways.From(gateway + 1).FirstOrDefault(gateway);
            }
        }

        history.Add(answer);
        if (answer is Observation.Acked && message.Probe == PublishProbe.None)
        {
            acked.Add(name, message);
        }

        return (answer, attempt);
    }

    private async Task StartAsync(OutgoingMessage message)
    {
        await _slots.WaitAsync(CancellationToken.None);
        var publish = Task.Run(async () =>
        {
            try
            {
                await PublishAsync(message);
            }
            finally
            {
                _slots.Release();
            }
        });
        lock (_publishes)
        {
            _publishes.Add(publish);
        }
    }
}
