using System.Net;
using Autopilot.Hosting;

namespace Autopilot.Silo;

/// <summary>
/// Declares a silo dead the moment its process ends without stopping, instead of after Orleans' missed probes. Each silo
/// reads the <see cref="Lifeline"/> of every other active silo. When one ends without its goodbye, that silo's kernel closed
/// the socket; to be sure the process is gone and not only that connection, the watcher connects to the port that served
/// the lifeline (the silo's HTTP port, the same process): when nothing accepts there within
/// <see cref="Deadlines.LifelineConfirm"/> (refused, or no answer from an address that is gone), the silo is declared dead
/// (<see cref="IClusterMembershipService.TryKill"/>), and the others learn it from the table.
/// <para>
/// Why: Orleans declares a killed silo dead after its probes miss (three in the image, the second and third waiting out
/// their timeout, since the killed container's address answers nothing): 2.6–3.1 s. Meanwhile every call for a grain whose
/// directory partition the killed silo held waited, grains on healthy silos included (issue 19, the kill: unaffected p99
/// about 2 s). A cut, a pause or a busy silo ends no lifeline, so those stay with the probes and their votes.
/// Hand-written: Orleans detects failures by probes only, and has no hook for a process's end.
/// </para>
/// </summary>
public sealed partial class LifelineWatch(
    IClusterMembershipService membership,
    ISiloStatusOracle oracle,
    ILocalSiloDetails local,
    PeerHealthUrls urls,
    TimeProvider time,
    ILogger<LifelineWatch> logger) : BackgroundService
{
    /// <summary>How often the watch compares what it reads with the active silos, and waits before it reads a lifeline again.</summary>
    public static readonly TimeSpan Rescan = TimeSpan.FromSeconds(1);

    /// <summary>How a lifeline's reading ended.</summary>
    public enum Ending
    {
        /// <summary>No answer began (no connection, a refusal, not 200, or ended before it named its silo): says nothing.</summary>
        NotOpened,

        /// <summary>Another generation answers at that address: not the silo watched.</summary>
        OtherSilo,

        /// <summary>The silo stopped, and said so.</summary>
        Goodbye,

        /// <summary>The answer ended without the goodbye: the silo's process closed it without stopping, or its kernel did.</summary>
        Cut,
    }

    private readonly HttpClient http = new(new SocketsHttpHandler { ConnectTimeout = Deadlines.ReadyProbe, UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watches = new Dictionary<SiloAddress, (CancellationTokenSource Stop, Task Run)>();
        using var timer = new PeriodicTimer(Rescan, time);
        try
        {
            do
            {
                var active = urls.ActivePeers(membership.CurrentSnapshot, local.SiloAddress).ToDictionary(p => p.Silo, p => p.Http);
                if (active.ContainsValue(null))
                {
                    // A silo that has just joined: the catalog is read again sooner than every 5 s, for the next scan.
                    urls.Read(Rescan);
                }

                foreach (var (silo, watch) in watches.Where(w => !active.ContainsKey(w.Key)).ToList())
                {
                    await watch.Stop.CancelAsync();
                    watch.Stop.Dispose();
                    watches.Remove(silo);
                }

                foreach (var (silo, url) in active)
                {
                    if (url is not null && !watches.ContainsKey(silo))
                    {
                        LogWatching(logger, silo.ToString(), url.ToString());
                        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        watches[silo] = (stop, Watch(silo, url, stop.Token));
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            foreach (var (_, watch) in watches)
            {
                await watch.Stop.CancelAsync();
            }

            await Task.WhenAll(watches.Values.Select(w => w.Run));
            foreach (var (_, watch) in watches)
            {
                watch.Stop.Dispose();
            }
        }
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }

    // Reads the silo's lifeline again after each reading that says nothing, until it says goodbye, the silo is declared dead
    // here, or the silo leaves the active ones (stop).
    private async Task Watch(SiloAddress silo, Uri url, CancellationToken stop)
    {
        var lifeline = new Uri(url, Lifeline.Path.TrimStart('/'));
        try
        {
            while (true)
            {
                var ending = await ReadAsync(http, lifeline, silo, stop, () => LogOpened(logger, silo.ToString()));
                if (ending == Ending.Goodbye)
                {
                    return;
                }

                if (ending == Ending.Cut && await DeclareIfGoneAsync(silo, lifeline, stop))
                {
                    return;
                }

                await Task.Delay(ending == Ending.Cut ? Rescan : PeerHealthUrls.RefreshEvery, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The silo is no longer active here, or this silo stops.
        }
        catch (Exception e)
        {
            LogWatchFailed(logger, silo.ToString(), e);
        }
    }

    private async Task<bool> DeclareIfGoneAsync(SiloAddress silo, Uri lifeline, CancellationToken stop)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo);
        if (oracle.CurrentStatus != SiloStatus.Active || status != SiloStatus.Active)
        {
            // This silo is not in a position to judge, or the cluster has already decided.
            return status == SiloStatus.Dead;
        }

        if (await AcceptsAsync(new DnsEndPoint(lifeline.Host, lifeline.Port), Deadlines.LifelineConfirm, stop))
        {
            LogCutButListens(logger, silo.ToString());
            return false;
        }

        LogDeclaring(logger, silo.ToString(), Deadlines.LifelineConfirm.TotalMilliseconds);
        await membership.TryKill(silo);
        return true;
    }

    /// <summary>
    /// Reads one lifeline (<paramref name="lifeline"/>, expected to name <paramref name="silo"/>) until it ends, or until
    /// <paramref name="stop"/> (then throws <see cref="OperationCanceledException"/>). <paramref name="opened"/> is called once
    /// the silo has named itself: from then on an end without goodbye is a <see cref="Ending.Cut"/>.
    /// </summary>
    public static async Task<Ending> ReadAsync(HttpClient http, Uri lifeline, SiloAddress silo, CancellationToken stop, Action? opened = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(lifeline, HttpCompletionOption.ResponseHeadersRead, stop);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !stop.IsCancellationRequested)
        {
            return Ending.NotOpened;
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Ending.NotOpened;
            }

            var named = false;
            try
            {
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
                var first = await reader.ReadLineAsync(stop);
                if (first is null)
                {
                    return Ending.NotOpened;
                }

                if (first != silo.ToParsableString())
                {
                    return Ending.OtherSilo;
                }

                named = true;
                opened?.Invoke();
                return await reader.ReadLineAsync(stop) == Lifeline.Goodbye ? Ending.Goodbye : Ending.Cut;
            }
            catch (IOException) when (!stop.IsCancellationRequested)
            {
                return named ? Ending.Cut : Ending.NotOpened;
            }
        }
    }

    /// <summary>Whether a process accepts a TCP connection at <paramref name="endpoint"/> within <paramref name="within"/>.</summary>
    public static async Task<bool> AcceptsAsync(EndPoint endpoint, TimeSpan within, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(within);
        var accepts = await SiloReadyCheck.Accepts(endpoint, timeout.Token);
        stop.ThrowIfCancellationRequested();
        return accepts;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The lifeline of silo {Silo} is open: if it ends without goodbye and nothing accepts at its port, the silo is gone")]
    private static partial void LogOpened(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching the lifeline of silo {Silo} at {Url}")]
    private static partial void LogWatching(ILogger logger, string silo, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declaring silo {Silo} dead: its lifeline ended without a goodbye and its HTTP port accepted no connection within {Milliseconds} ms (the process is gone)")]
    private static partial void LogDeclaring(ILogger logger, string silo, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The lifeline of silo {Silo} ended without a goodbye, but its HTTP port accepts connections: left to the membership's probes")]
    private static partial void LogCutButListens(ILogger logger, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped watching the lifeline of silo {Silo}")]
    private static partial void LogWatchFailed(ILogger logger, string silo, Exception exception);
}
