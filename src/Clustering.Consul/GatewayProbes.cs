using System.Collections.Concurrent;
using Autopilot.Hosting;
using Microsoft.Extensions.Logging;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// Whether each active silo's process answers this client, asked at the silo's own <c>/health/live</c> every
/// <see cref="Every"/>. Hand-written: Orleans' client learns that a gateway is gone only from a socket error or from its
/// gateway list, and a frozen silo gives neither. Its kernel still accepts and acknowledges, so the connection stays up,
/// while the membership takes seconds to declare it dead; meanwhile every grain whose calls the client sends through that
/// gateway (a third of them with three silos, by the grain's hash) waited on it, keys on healthy silos included (issue 19,
/// the pause). A silo that answered and then has not answered for <see cref="SilentAfter"/> is <see cref="IsSilent"/>, and
/// the gateway list (<see cref="ConsulGatewayListProvider"/>) masks it for new calls until it answers again
/// (<see cref="GatewayMask"/>), provided other silos answered this client meanwhile (<see cref="OthersAnsweredSince"/>). Asked from the client
/// itself, this is the one view that matters for the client's choice: a gateway cut from one silo stops sending through it,
/// whatever the others see.
/// <para>
/// A silo that has not answered yet is never silent: a new silo is active in the membership (and its gateway accepts)
/// seconds before its HTTP endpoint listens, on a busy machine. Counted silent then, it left the list right after the client
/// had connected to it, Orleans closed that connection, and the answers the silo then sent back to this client through its
/// own gateway were dropped: a write answered 504 after its 10 s, in the silos' rolling update under Swarm. Silos are
/// followed by their silo address with its generation (<see cref="Key"/>), so a silo started again at the same endpoint
/// is new too.
/// </para>
/// </summary>
public sealed partial class GatewayProbes(TimeProvider time, ILogger<GatewayProbes> logger) : IAsyncDisposable
{
    /// <summary>How often each silo is asked.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);

    /// <summary>How long one question waits for its answer (an answer is a few milliseconds of work for the silo).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a silo may go without answering before it counts as silent: some missed questions in a row, so that one slow
    /// answer (a garbage collection, a busy core) does not steer the client. With the verdicts applied to the list every tenth of
    /// a second (<see cref="Deadlines.GatewayVerdicts"/>), a frozen silo leaves it within 1.1 s.
    /// </summary>
    public static readonly TimeSpan SilentAfter = Deadlines.GatewaySilent;

    /// <summary>
    /// How long after a silo's last answer another silo must have been asked, and have answered, for
    /// <see cref="OthersAnsweredSince"/>: two questions' worth, more than the spread of one round of questions.
    /// </summary>
    public static readonly TimeSpan OthersAskedAfter = Every * 2;

    private readonly HttpClient http = new(new SocketsHttpHandler { ConnectTimeout = ProbeTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(1), UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ConcurrentDictionary<string, Target> targets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource disposed = new();

    /// <summary>How a silo is named here: its silo address with its generation.</summary>
    public static string Key(SiloAddress silo) => silo.ToParsableString();

    /// <summary>Probes exactly these silos from now on: each silo (<see cref="Key"/>) with its HTTP base URL.</summary>
    public void Follow(IReadOnlyDictionary<string, Uri> silos)
    {
        if (disposed.IsCancellationRequested)
        {
            return;
        }

        foreach (var (endpoint, url) in silos)
        {
            var live = new Uri(url, "health/live");
            if (targets.TryGetValue(endpoint, out var known) && known.Live == live)
            {
                continue;
            }

            var target = new Target(live, time.GetTimestamp(), CancellationTokenSource.CreateLinkedTokenSource(disposed.Token));
            targets[endpoint] = target;
            if (known is not null)
            {
                Stop(known);
            }

            _ = Probe(endpoint, target);
        }

        foreach (var endpoint in targets.Keys.Where(e => !silos.ContainsKey(e)).ToList())
        {
            if (targets.TryRemove(endpoint, out var gone))
            {
                Stop(gone);
            }
        }
    }

    /// <summary>
    /// True when <paramref name="silo"/> is followed, has answered since, and has not answered for <see cref="SilentAfter"/>;
    /// false for one not followed or not heard yet.
    /// </summary>
    public bool IsSilent(string silo) =>
        targets.TryGetValue(silo, out var target) && Volatile.Read(ref target.Heard) && time.GetElapsedTime(Volatile.Read(ref target.LastAnswer)) >= SilentAfter;

    /// <summary>
    /// True when another followed silo has answered a question that this client asked <see cref="OthersAskedAfter"/> or more
    /// after <paramref name="silo"/>'s last answer: this client went on asking and hearing while that silo went quiet, so the
    /// silence is the silo's (frozen, or cut from this client), not this client's own (a process stalled past
    /// <see cref="SilentAfter"/> finds every silo's last answer old when it resumes, and has heard none asked since).
    /// </summary>
    public bool OthersAnsweredSince(string silo)
    {
        if (!targets.TryGetValue(silo, out var quiet))
        {
            return false;
        }

        var lastAnswer = Volatile.Read(ref quiet.LastAnswer);
        foreach (var (endpoint, other) in targets)
        {
            if (endpoint != silo && Volatile.Read(ref other.Heard) && time.GetElapsedTime(lastAnswer, Volatile.Read(ref other.LastAnsweredAsked)) >= OthersAskedAfter)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="silo"/> is followed and has answered since it was.</summary>
    public bool HasAnswered(string silo) => targets.TryGetValue(silo, out var target) && Volatile.Read(ref target.Heard);

    public ValueTask DisposeAsync()
    {
        disposed.Cancel();
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    // A probe that ended by itself has disposed its source already.
    private static void Stop(Target target)
    {
        try
        {
            target.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task Probe(string endpoint, Target target)
    {
        var token = target.Stop.Token;
        var answering = true;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var asked = time.GetTimestamp();
                var answered = await Ask(target.Live, token);
                if (answered)
                {
                    Volatile.Write(ref target.LastAnsweredAsked, asked);
                    Volatile.Write(ref target.LastAnswer, time.GetTimestamp());
                    Volatile.Write(ref target.Heard, true);
                }

                if (answered != answering && (answered || (target.Heard && time.GetElapsedTime(Volatile.Read(ref target.LastAnswer)) >= SilentAfter)))
                {
                    answering = answered;
                    if (answered)
                    {
                        LogAnswersAgain(logger, endpoint);
                    }
                    else
                    {
                        LogSilent(logger, endpoint, SilentAfter.TotalSeconds);
                    }
                }

                await Task.Delay(Every, time, token);
            }
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Stopped (the silo left, its URL changed, or this client is disposed: a question in flight may then end
            // with the disposed client's error rather than a cancellation).
        }
        finally
        {
            target.Stop.Dispose();
        }
    }

    // One question: true for a 2xx within ProbeTimeout. Any failure is a question unanswered: a probe that ended on an
    // unexpected error would leave its silo silent, and out of the gateway list, for as long as it stays active.
    private async Task<bool> Ask(Uri live, CancellationToken token)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        try
        {
            using var response = await http.GetAsync(live, HttpCompletionOption.ResponseHeadersRead, either.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception) when (!token.IsCancellationRequested)
        {
            return false;
        }
    }

    private sealed class Target(Uri live, long since, CancellationTokenSource stop)
    {
        public Uri Live { get; } = live;

        public CancellationTokenSource Stop { get; } = stop;

        // The timestamp of the last answer, or of when following began.
        public long LastAnswer = since;

        // When the question of the last answer was asked.
        public long LastAnsweredAsked = since;

        // Whether the silo has answered since following began.
        public bool Heard;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} has not answered this client for {Seconds} s: its gateway takes no new calls from this client until it answers, while other silos answer")]
    private static partial void LogSilent(ILogger logger, string silo, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} answers this client again")]
    private static partial void LogAnswersAgain(ILogger logger, string silo);
}
