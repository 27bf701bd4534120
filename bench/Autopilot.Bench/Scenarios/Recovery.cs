using Autopilot.Stack.Traffic;

namespace Autopilot.Bench.Scenarios;

/// <summary>SIGKILL of a silo, five times: the seconds until a grain it hosted answers again, and the reads that failed.</summary>
internal static class Recovery
{
    public static async Task Run(Bench bench)
    {
        var stack = bench.Stack;
        await stack.Invoke("scale", "silo=3");
        var customers = Enumerable.Range(1, 200).ToList();
        await bench.CreateCustomers(customers);
        var paths = customers.Select(Bench.CustomerPath).ToList();
        var recovery = new List<double>();
        var failed = new List<double>();
        var requests = 0;
        var trials = bench.Quick ? 2 : 5;
        for (var trial = 0; trial < trials; trial++)
        {
            var (customer, silo) = (await bench.Hosts(customers)).First(h => h.Value != "silo-1");
            Bench.Log($"kill trial {trial + 1}: SIGKILL {silo}, which hosts Bench Co {customer}");
            await using (var loop = new RequestLoop(bench.Front, paths, pause: TimeSpan.FromMilliseconds(5)))
            {
                await stack.Invoke("kill", "silo", silo["silo-".Length..]);
                recovery.Add(await Poll.SecondsUntil(() => bench.Serves(new Uri(bench.Front, Bench.CustomerPath(customer))),
                    TimeSpan.FromMinutes(1), $"Bench Co {customer} answers again"));
                await Task.Delay(TimeSpan.FromSeconds(5));
                failed.Add(loop.FailureCount);
                requests += loop.Requests;
            }

            await stack.Invoke("scale", "silo=3");
        }

        bench.Add(Figure.Of("kill_recovery_s", "s", recovery, 10.0, $"from SIGKILL of a silo to the first successful read of a grain it hosted, {trials} trials; reference: the 10 s target"));
        bench.Add(Figure.Of("kill_failed_requests", "requests", failed, 0, $"reads failed per trial, of {requests} in all, from the kill to 5 s after the first recovery"));
    }
}
