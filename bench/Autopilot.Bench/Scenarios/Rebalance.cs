using Autopilot.Stack.Traffic;

namespace Autopilot.Bench.Scenarios;

/// <summary>
/// A third silo joins two that hold 2,000 customers' activations, three times: the seconds from it being ready until no
/// silo holds more than 40% of the activations, and the reads that failed meanwhile.
/// </summary>
internal static class Rebalance
{
    public const double LargestShare = 0.40;

    public static async Task Run(Bench bench)
    {
        var stack = bench.Stack;
        var customers = Enumerable.Range(1, 2000).ToList();
        var paths = customers.Select(Bench.CustomerPath).ToList();
        await stack.Invoke("scale", "silo=2");
        var (failedCreates, _) = await bench.CreateCustomers(customers);
        if (failedCreates > 0)
        {
            throw new InvalidOperationException($"{failedCreates} of the 2,000 customers the rebalancing scenario reads could not be created");
        }

        var times = new List<double>();
        var failures = 0;
        var requests = 0;
        var trials = bench.Quick ? 1 : 5;
        for (var trial = 1; trial <= trials; trial++)
        {
            // Every customer active on the two silos, and kept active by reads (each read again about every 10 s).
            await Touch(bench, paths);
            var before = await bench.Activations();
            Bench.Log($"rebalancing trial {trial}: a third silo joins {string.Join(", ", before.Select(s => $"{s.Key} with {s.Value}"))} activations");
            await using var loop = new RequestLoop(bench.Front, paths, pause: TimeSpan.FromMilliseconds(5));
            await stack.Invoke("scale", "silo=3");
            var last = before;
            times.Add(await Poll.SecondsUntil(async () => Largest(last = await bench.Activations()) <= LargestShare, TimeSpan.FromMinutes(5),
                $"no silo above {LargestShare:P0} of the activations"));
            // Each trial's own time and the reading that ended it: the figure keeps only the median and the range.
            Bench.Log($"rebalancing trial {trial}: {times[^1]:0.0} s, then {string.Join(", ", last.Select(s => $"{s.Key} with {s.Value}"))}");
            requests += loop.Requests;
            failures += loop.FailureCount;
            if (trial < trials)
            {
                await stack.Invoke("scale", "silo=2");
            }
        }

        bench.Add(Figure.Of("rebalance_s", "s", times, 15,
            $"from a third silo being ready to no silo holding more than {LargestShare:P0} of the activations (2,000 customers read steadily), {trials} trial(s); reference: the 15 s target"));
        bench.Add(Figure.Of("rebalance_failed_requests", "requests", [failures], 0, $"reads failed of {requests} during the joins and the rebalancing"));
    }

    private static double Largest(Dictionary<string, int> activations) =>
        activations.Count < 3 ? 1 : (double)activations.Values.Max() / activations.Values.Sum();

    private static async Task Touch(Bench bench, List<string> paths) =>
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (path, token) =>
        {
            using var response = await bench.Http.GetAsync(new Uri(bench.Front, path), token);
        });
}
