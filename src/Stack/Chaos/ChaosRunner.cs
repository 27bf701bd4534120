using Autopilot.Chaos;
using Autopilot.Stack.Containers;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Chaos;

/// <summary>
/// Runs scenarios one after another on a compose deployment, each the same way: the cluster whole (every running silo
/// Active), an open-loop load of its own with its history (<see cref="ChaosLoad.OpenLoop"/>), the fault, the heal, the
/// cluster whole again, a quiet period, then the check: the history's verdict, and figures split between keys whose
/// grains lived on the faulty silo when the fault began and keys that lived elsewhere. A scenario that breaks its
/// expectations, or leaves the cluster broken, is reported with its problems; the next one starts only from a whole
/// cluster, settled (<see cref="Settle"/>) with Orleans' activation rebalancer at rest (<see cref="RestFor"/>).
/// </summary>
public sealed class ChaosRunner(ComposeProject project, Action<string> say, double rate = ChaosRunner.DefaultRate)
{
    public const double DefaultRate = 40;

    /// <summary>The bound issue 19 sets on keys away from the fault: their p99 stays under a second.</summary>
    public static readonly TimeSpan UnaffectedP99Bound = TimeSpan.FromSeconds(1);

    /// <summary>
    /// What a deployment under chaos runs with. The edge refuses a client that holds more than 64 requests at once (429);
    /// the open loop comes from one address and, while a fault holds some of its requests, would soon hold that many,
    /// so that the edge (not the fault) would refuse the rest. Raised for the run, to stand for many clients.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DeploymentSettings { get; } = new Dictionary<string, string> { ["Edge__ConnectionsPerClient"] = "1024" };

    // The wall clock, only to say when a fault began (the hosts' logs are in UTC); the figures use the history's own clock.
    private readonly TimeProvider time = TimeProvider.System;

    private static readonly TimeSpan Warm = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    // Orleans numbers a silo's generation in seconds since 2022-01-01 (SiloAddress.AllocateNewGeneration): its start.
    private static readonly DateTimeOffset GenerationEpoch = new(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// How long every silo has run before a scenario's load begins. A silo that came back where one was declared dead is left
    /// alone by Orleans' activation rebalancer for 30 s (<c>RejoinProbation</c> in Silo) and then takes its share in about
    /// 12 s (the bench's <c>rebalance_s</c>). A fault that strikes the silo while activations migrate onto it is a second
    /// fault on top of the scenario's own: the calls queued in those activations wait out their 10 s timeout (a full run
    /// of 2026-12-04: the pause 30 s after the one-way cut's silo came back, unaffected p99 10 s). So each scenario measures
    /// its own fault, on a cluster the last one has left settled.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long no activations may move between silos (one silo gains more than <see cref="RestTolerance"/> while another
    /// loses more) before the rebalancer counts as at rest: three of its 3-s cycles (<c>SiloTuning</c>). After
    /// <see cref="Settle"/> it may still be filling a silo that came back (a full run of 2026-12-05: still 80 s after the
    /// silo rejoined, and a key it moved onto the silo that the next scenario cut from Redis waited out its timeouts
    /// there). New keys (a load that runs on, as in the system tests) raise every silo's count, and idle collection lowers
    /// them: neither is a migration.
    /// </summary>
    public static readonly TimeSpan RestFor = TimeSpan.FromSeconds(9);

    /// <summary>How many activations a silo may gain or lose in one reading without counting as a migration (the runner's own reads).</summary>
    public const int RestTolerance = 2;

    /// <summary>How long the runner waits for the rebalancer to rest before it starts the scenario anyway, with a note.</summary>
    public static readonly TimeSpan RestBound = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RestReading = TimeSpan.FromSeconds(3);

    public async Task<IReadOnlyList<ScenarioResult>> Run(IEnumerable<ChaosScenario> scenarios)
    {
        using var front = new HttpClient { BaseAddress = project.Front, Timeout = TimeSpan.FromSeconds(10) };
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            var result = await RunOne(scenario, front);
            say(result.Line);
            results.Add(result);
        }

        return results;
    }

    /// <summary>Every silo container that runs is Active in <c>/cluster</c> (by its host name), and the front door answers.</summary>
    public async Task<bool> Whole(HttpClient front)
    {
        try
        {
            var cluster = await ClusterAnswer.Read(front);
            var silos = await Running("silo");
            foreach (var silo in silos)
            {
                var host = await project.Engine.Hostname(silo);
                if (!cluster.Silos.Any(s => s.Status == "Active" && s.Name.Contains(host, StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            return silos.Count > 0 && cluster.Active.Count() == silos.Count;
        }
        catch (Exception e) when (Unanswered(e))
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until every Active silo has run for <see cref="Settle"/> (at most that long), then until the rebalancer rests
    /// (<see cref="RestFor"/>, at most <see cref="RestBound"/>); false if it did not rest.
    /// </summary>
    private async Task<bool> Settled(HttpClient front)
    {
        await Started(front);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = await Counts(front);
        var restingSince = clock.Elapsed;
        while (clock.Elapsed - restingSince < RestFor)
        {
            if (clock.Elapsed > RestBound)
            {
                return false;
            }

            await Task.Delay(RestReading);
            var now = await Counts(front);
            if (!Resting(last, now, RestTolerance))
            {
                restingSince = clock.Elapsed;
            }

            last = now;
        }

        return true;
    }

    /// <summary>
    /// Whether, between two readings of the Active silos' activation counts (by silo address), no activations moved: not
    /// one silo gaining more than <paramref name="tolerance"/> while another lost more. A silo that is new in
    /// <paramref name="now"/>, or one that did not answer in either, counts as a move (the rebalancer's view of the cluster
    /// changed); so does a reading of no silo.
    /// </summary>
    public static bool Resting(IReadOnlyDictionary<string, int?> before, IReadOnlyDictionary<string, int?> now, int tolerance)
    {
        if (now.Count == 0 || now.Any(silo => silo.Value is null || !before.TryGetValue(silo.Key, out var earlier) || earlier is null))
        {
            return false;
        }

        var changes = now.Select(silo => silo.Value!.Value - before[silo.Key]!.Value).ToList();
        return !(changes.Any(c => c > tolerance) && changes.Any(c => c < -tolerance));
    }

    private static async Task<IReadOnlyDictionary<string, int?>> Counts(HttpClient front)
    {
        try
        {
            return (await ClusterAnswer.Read(front)).Silos.Where(s => s.Status == "Active").ToDictionary(s => s.Address, s => s.Activations, StringComparer.Ordinal);
        }
        catch (Exception e) when (Unanswered(e))
        {
            return new Dictionary<string, int?>();
        }
    }

    /// <summary>Waits until every Active silo has run for <see cref="Settle"/> (at most that long).</summary>
    private async Task Started(HttpClient front)
    {
        // An address reads S172.19.0.11:11111:155404632: the generation comes last.
        var started = (await ClusterAnswer.Read(front)).Silos
            .Where(s => s.Status == "Active")
            .Select(s => long.TryParse(s.Address.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture, out var generation) ? GenerationEpoch.AddSeconds(generation) : DateTimeOffset.MinValue)
            .DefaultIfEmpty(DateTimeOffset.MinValue)
            .Max();
        var left = started + Settle - time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left < Settle ? left : Settle);
        }
    }

    /// <summary>The containers of <paramref name="service"/> that run now.</summary>
    public async Task<IReadOnlyList<string>> Running(string service)
    {
        var running = new List<string>();
        foreach (var container in await project.Containers(service))
        {
            if ((await project.Engine.State(container)).Running)
            {
                running.Add(container);
            }
        }

        return running;
    }

    private async Task<ScenarioResult> RunOne(ChaosScenario scenario, HttpClient front)
    {
        var before = new ScenarioRun(project, front, () => TimeSpan.Zero, [], [], "");
        if (await Within(() => Whole(front), ChaosScenarios.Generous) is null)
        {
            before.Problem("the cluster was not whole before the scenario (a silo that runs is not Active)");
            return new ScenarioResult(scenario, "not run", new ChaosVerdict([], []), null, null, 0, TimeSpan.Zero, null, [], before.Problems, []);
        }

        var rested = await Settled(front);
        var fatalBefore = await FatalCount();
        await using var load = ChaosLoad.OpenLoop(project.Front, $"Chaos {scenario.Name} {Guid.NewGuid():N}"[..24], rate);
        var run = new ScenarioRun(project, front, () => load.History.Now, await Running("silo"), await Running("gateway"), (await Running("redis")).Single());
        if (!rested)
        {
            run.Note($"the activation rebalancer still moved activations {RestBound.TotalMinutes:0} min after the silos settled; the scenario began anyway");
        }

        await run.Until(() => Task.FromResult(load.Keys.All(k => load.SourceAt(k, load.History.Now) is not null) && load.History.Now > Warm),
            known => known, ChaosScenarios.Generous, "every key of the load answered once before the fault");
        try
        {
            await scenario.Act(run);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            run.Problem($"the scenario failed: {e.GetType().Name}: {e.Message}");
        }

        var faultAt = run.FaultAt ?? load.History.Now;
        var healedAt = run.HealedAt ?? load.History.Now;
        if (run.FaultAt is { } began)
        {
            // Where the operations' "+N s" fall in the containers' logs.
            run.Note($"the fault began at {time.GetUtcNow() - (load.History.Now - began):HH:mm:ss.f} UTC (+0 s)");
        }

        var whole = await Within(() => Whole(front), ChaosScenarios.Generous);
        if (whole is null)
        {
            run.Problem($"the cluster is not whole {ChaosScenarios.Generous.TotalMinutes:0} min after the heal: {await Describe(front)}");
        }

        var wholeAt = load.History.Now;
        await Task.Delay(Quiet);
        ChaosVerdict verdict;
        try
        {
            verdict = await load.FinishAsync();
        }
        catch (InvalidOperationException e)
        {
            run.Problem(e.Message);
            verdict = new ChaosVerdict(load.History.Operations, []);
        }

        var end = load.History.Now;
        var target = run.Target is { } silo ? await project.Engine.Hostname(silo) : null;
        var affected = run.AffectsAll ? load.Keys.ToHashSet(StringComparer.Ordinal) : AffectedKeys(load.Keys, load.SourceAt, target, run.FaultAt is null ? [faultAt] : run.Beginnings);
        // Both sets over the fault and its consequences: until the cluster is whole again (a killed silo's fault lasts until
        // it is declared dead and back, not the instant of the kill).
        // An operation is on the fault if its key lived on the faulty silo, or if it writes such a key too (a rep's write to
        // its clients); reads of records elsewhere count as unaffected, though they ask the other end of their link there.
        bool OnFault(Operation o) => affected.Contains(o.Key) || load.Touches(o).Any(affected.Contains);
        var unaffected = run.AffectsAll ? null : LoadFigures.Of(verdict.Operations, o => !OnFault(o), faultAt, wholeAt, end);
        var slowest = verdict.Operations
            .Where(o => !o.Final && !OnFault(o) && o.Invoked >= faultAt && o.Invoked <= wholeAt)
            .OrderByDescending(o => (o.Completed ?? end) - o.Invoked).Take(run.AffectsAll ? 0 : 3)
            .Select(o => $"{o.Kind.ToString().ToLowerInvariant()} {o.Key} at +{(o.Invoked - faultAt).TotalSeconds:0.0} s took {((o.Completed ?? end) - o.Invoked).TotalSeconds:0.0} s ({(o.Status is { } st ? $"{st}" : "no answer")})");
        var onFault = affected.Count == 0 ? null : LoadFigures.Of(verdict.Operations, OnFault, faultAt, wholeAt, end);
        if (scenario.FailsNoRequest && verdict.Operations.Where(o => !o.Final && o.Invoked >= faultAt && o.Invoked <= wholeAt && o.Status is not (200 or 404 or 422)).ToList() is { Count: > 0 } failed)
        {
            run.Problem($"{failed.Count} request(s) failed: {string.Join("; ", failed.Take(5))}");
        }

        if (verdict.Errors.TryGetValue(500, out var five))
        {
            run.Problem($"{five} answer(s) were 500");
        }

        if (await FatalCount() - fatalBefore is > 0 and var fatal)
        {
            run.Problem($"{fatal} silo(s) ended through Orleans' fatal error path (FATAL EXCEPTION), not with a documented exit code");
        }

        // For each key a violation names, which silos answered for it: where the values came from.
        foreach (var key in verdict.Violations.Select(v => v.Key).Distinct().Take(5))
        {
            run.Note($"{key} answered from {string.Join(", ", load.SourceChanges(key).Select(c => $"{c.Source} from {(c.At - faultAt).TotalSeconds:+0.0;-0.0} s"))} (fault at +0 s)");
        }

        return new ScenarioResult(scenario, run.Fault, verdict, unaffected, onFault, affected.Count, healedAt - faultAt, whole, run.Notes, run.Problems, [.. slowest]);
    }

    /// <summary>
    /// The keys whose grains lived on the faulty silo (<paramref name="target"/>, the container's host name, which a silo's
    /// <c>source</c> names) at any of the fault's <paramref name="beginnings"/>, by the source of their last answer before
    /// it: a silo cut again after it came back has taken grains meanwhile, and those keys are on the fault too.
    /// </summary>
    public static HashSet<string> AffectedKeys(IEnumerable<string> keys, Func<string, TimeSpan, string?> sourceAt, string? target, IReadOnlyList<TimeSpan> beginnings) =>
        target is null
            ? new HashSet<string>(StringComparer.Ordinal)
            : keys.Where(k => beginnings.Any(at => sourceAt(k, at) is { } source && source.Contains(target, StringComparison.Ordinal))).ToHashSet(StringComparer.Ordinal);

    private async Task<int> FatalCount()
    {
        var count = 0;
        foreach (var silo in await project.Containers("silo"))
        {
            count += ScenarioRun.CountOf(await project.Engine.Logs(silo), "FATAL EXCEPTION");
        }

        return count;
    }

    private static async Task<string> Describe(HttpClient front)
    {
        try
        {
            return (await ClusterAnswer.Read(front)).ToString();
        }
        catch (Exception e) when (Unanswered(e))
        {
            return $"/cluster does not answer ({e.Message})";
        }
    }

    // What /cluster's reading throws when the front door, a gateway or the cluster does not answer (or answers nonsense).
    private static bool Unanswered(Exception e) =>
        e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException;

    // How long until holds() is true, polling; null if not within the bound.
    private static async Task<TimeSpan?> Within(Func<Task<bool>> holds, TimeSpan within)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (await holds())
            {
                return clock.Elapsed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return null;
    }
}
