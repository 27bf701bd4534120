using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Autopilot.Stack.Cli;
using Autopilot.Stack.Processes;
using Autopilot.Stack.Traffic;

namespace Autopilot.Stack.Demo;

/// <summary>
/// <c>./autopilot demo</c>: the membership-change demo in one command. On the running stack (or one it starts with
/// <c>--fresh</c>) it tells the story step by step, under a steady read and write load through the front door, with one
/// live line of what happens, and ends with a summary of every step. It exits 1 if an acknowledged write is lost, or a step
/// that promises no failed request had one.
/// </summary>
internal sealed class DemoVerb(LocalStack stack)
{
    public const int Customers = 500;
    private const double EvenShare = 0.40;
    private static readonly TimeSpan EvenBound = TimeSpan.FromMinutes(2);

    private readonly List<DemoStep> steps = [];

    public async Task<int> Run(bool fresh, bool pace, int? port, int? basePort)
    {
        if (fresh)
        {
            if (stack.State is not null)
            {
                await new DownVerb(stack).Run();
            }

            await new UpVerb(stack).Run(silos: 2, gateways: 2, port, basePort, embedded: false);
        }

        var state = stack.State is { Embedded: false } up && stack.Processes.Present("edge")
            ? up
            : throw new StackException("no stack is up here: ./autopilot up first, or ./autopilot demo --fresh");
        var names = Enumerable.Range(1, Customers).Select(i => string.Create(CultureInfo.InvariantCulture, $"Demo Co {i}")).ToList();
        using var front = new HttpClient(new ResendOnClosedIdleConnection()) { BaseAddress = state.Ports.EdgeUrl, Timeout = TimeSpan.FromSeconds(30) };
        await using var load = new DemoLoad(state.Ports.EdgeUrl, front);
        await using var watched = new WatchedKey(front, "ACME Corporation");
        var live = new LiveLine(load, front, watched);
        var clock = Stopwatch.StartNew();
        await using (live)
        {
            live.Say($"The membership-change demo on {state.Ports.EdgeUrl} (open it in a browser: the cluster panel and its timeline follow every step).");
            live.Say("A steady load of reads and writes runs through the front door the whole time; the line below counts it.");

            await Step(live, load, pace, 1, $"Two silos and two gateways hold {Customers} customers", promisesNoFailure: true,
                "Every customer is a grain: watch the activations per silo grow as they are written.", async () =>
                {
                    await new ScaleVerb(stack).Run("silo=2");
                    await new ScaleVerb(stack).Run("gateway=2");
                    var failed = 0;
                    await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, token) =>
                    {
                        using var stored = await front.PutAsJsonAsync($"/customers/{Uri.EscapeDataString(name)}", new { location = $"City of {name}" }, token);
                        if (!stored.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref failed);
                        }
                    });
                    load.AlsoRead([.. names.Select(n => $"/customers/{Uri.EscapeDataString(n)}")]);
                    return (failed == 0 ? "" : $"{failed} of the {Customers} writes failed; ") + $"activations: {await ClusterGlance.Read(front)}";
                });

            await Step(live, load, pace, 2, "scale silo=3: the new silo joins and the activations spread", promisesNoFailure: true,
                $"silo-3 joins through Consul; the rebalancer moves activations onto it until no silo holds more than {EvenShare:P0}.", async () =>
                {
                    await new ScaleVerb(stack).Run("silo=3");
                    var joined = Stopwatch.StartNew();
                    ClusterGlance? glance = null;
                    while (joined.Elapsed < EvenBound && ((glance = await ClusterGlance.Read(front)) is null || glance.Active.Count() < 3 || glance.LargestShare > EvenShare))
                    {
                        await Task.Delay(500);
                    }

                    return glance is { LargestShare: <= EvenShare } && glance.Active.Count() == 3
                        ? $"no silo above {EvenShare:P0} after {joined.Elapsed.TotalSeconds:0.0} s ({glance})"
                        : $"after {EvenBound.TotalSeconds:0} s one silo still holds {glance?.LargestShare:P0} ({glance})";
                });

            await Step(live, load, pace, 3, "stop silo 3: a graceful leave", promisesNoFailure: true,
                "SIGTERM: silo-3 deregisters, hands its grains over and leaves; no request fails.", async () =>
                {
                    await new SignalVerbs(stack).Stop("silo", 3);
                    return $"silo-3 left; activations: {await ClusterGlance.Read(front)}";
                });

            await Step(live, load, pace, 4, "kill silo 2: a crash", promisesNoFailure: false,
                "SIGKILL: no goodbye. The cluster declares silo-2 dead within seconds; the watched customer's grain reactivates on the survivor, with its state from Redis.", async () =>
                {
                    var victim = await OnSilo(front, names, "silo-2") ?? names[0];
                    watched.Watch(victim);
                    var before = (await front.GetFromJsonAsync<CustomerLocation>($"/customers/{Uri.EscapeDataString(victim)}"))!.Location;
                    live.Say($"  watching {victim} (on silo-2, location '{before}')");
                    var killedAt = watched.Now;
                    await new SignalVerbs(stack).Kill("silo", 2, restart: false);
                    while (watched.Now - killedAt < EvenBound && !(watched.LastAnswer > killedAt && watched.Source != "silo-2" && watched.Source != "-"))
                    {
                        await Task.Delay(100);
                    }

                    var answered = watched.LastAnswer > killedAt && watched.Source != "silo-2";
                    var kept = watched.Location == before;
                    var answer = answered
                        ? $"{victim} answered again from {watched.Source} after {(watched.LastAnswer - killedAt).TotalSeconds:0.0} s, {(kept ? "with its state" : $"but its location is '{watched.Location}'")}"
                        : $"{victim} did not answer from a survivor within {EvenBound.TotalSeconds:0} s";

                    // The crash lasts until the cluster has declared silo-2 dead: until then a call to one of its other
                    // grains may still wait on it, and that belongs to this step, not to the next.
                    ClusterGlance? glance = null;
                    while (watched.Now - killedAt < EvenBound && ((glance = await ClusterGlance.Read(front)) is null || glance.Silos.All(s => s.Name != "silo-2" || s.Status != "Dead")))
                    {
                        await Task.Delay(200);
                    }

                    return glance is not null && glance.Silos.Any(s => s.Name == "silo-2" && s.Status == "Dead")
                        ? $"{answer}; silo-2 declared dead after {(watched.Now - killedAt).TotalSeconds:0.0} s"
                        : $"{answer}; silo-2 not declared dead within {EvenBound.TotalSeconds:0} s";
                });

            await Step(live, load, pace, 5, "restart consul", promisesNoFailure: true,
                "Consul stops and starts again on its data: silos and gateways keep serving from their last good view, and register again by themselves.", async () =>
                {
                    await new SignalVerbs(stack).RestartConsul();
                    return "Consul is back; every registration returned by itself";
                });

            await Step(live, load, pace, 6, "scale gateway=3, then gateway=1", promisesNoFailure: true,
                "nginx's upstream follows Consul's passing gateways within a second, reloaded without dropping a request.", async () =>
                {
                    await new ScaleVerb(stack).Run("gateway=3");
                    await new ScaleVerb(stack).Run("gateway=1");
                    return "nginx followed: 3 gateways, then 1";
                });
        }

        return Summary(clock.Elapsed);
    }

    private async Task Step(LiveLine live, DemoLoad load, bool pace, int number, string title, bool promisesNoFailure, string lookFor, Func<Task<string>> body)
    {
        if (pace && number > 1)
        {
            live.Say("  (press Enter for the next step)");
            await Task.Run(Console.ReadLine);
        }

        live.Say("");
        live.Say($"Step {number} of 6: {title}");
        live.Say($"  {lookFor}");
        var mark = load.MarkNow();
        var clock = Stopwatch.StartNew();
        string figure;
        try
        {
            figure = await body();
        }
        catch (StackException e)
        {
            figure = $"the step could not finish: {e.Message}";
        }

        var duration = clock.Elapsed;
        var (requests, failures, acknowledged) = await load.Between(mark, load.MarkNow());
        var lost = await load.Lost(acknowledged);
        var step = new DemoStep(title, promisesNoFailure, duration, requests, failures.Count, acknowledged.Count, lost.Count, figure);
        steps.Add(step);
        live.Say($"  {figure}");
        live.Say($"  {duration.TotalSeconds:0.0} s; {requests} requests, {failures.Count} failed; {acknowledged.Count} acknowledged writes read back, {lost.Count} lost");
        foreach (var failure in failures.Take(3).Concat(lost.Take(3)))
        {
            live.Say($"    {failure}");
        }
    }

    private int Summary(TimeSpan elapsed)
    {
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine($"{"step",-64} {"time",7} {"requests",9} {"failed",7} {"read back",10} {"lost",5}");
        foreach (var (step, i) in steps.Select((s, i) => (s, i + 1)))
        {
            output.WriteLine($"{$"{i}. {step.Title}",-64} {step.Duration.TotalSeconds,6:0.0}s {step.Requests,9} {step.Failed,7}{(step.PromisesNoFailure ? " " : "*")} {step.Acknowledged,9} {step.Lost,5}");
        }

        output.WriteLine("* a crash: requests to its grains may fail until they answer from a survivor; every other step promises none fails.");
        var broken = steps.Where(s => !s.Held).ToList();
        output.WriteLine(broken.Count == 0
            ? $"demo: {steps.Count} steps in {elapsed.TotalSeconds:0} s, {steps.Sum(s => s.Requests)} requests, {steps.Sum(s => s.Acknowledged)} acknowledged writes, 0 lost; every promise held"
            : $"demo: {broken.Count} step(s) broke a promise: {string.Join("; ", broken.Select(s => $"{s.Title} ({s.Failed} failed, {s.Lost} lost)"))}");
        return broken.Count == 0 ? 0 : 1;
    }

    // A demo customer whose grain is on `silo` now (its reads say where they were served), or null.
    private static async Task<string?> OnSilo(HttpClient front, IReadOnlyList<string> names, string silo)
    {
        foreach (var name in names)
        {
            var row = await front.GetFromJsonAsync<CustomerLocation>($"/customers/{Uri.EscapeDataString(name)}");
            if (row?.Source == silo)
            {
                return name;
            }
        }

        return null;
    }

    private sealed record CustomerLocation(string Location, string Source);
}
