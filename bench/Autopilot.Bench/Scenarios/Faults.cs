using System.Diagnostics;
using Autopilot.Stack.Processes;
using Autopilot.Stack.Traffic;

namespace Autopilot.Bench.Scenarios;

/// <summary>
/// The faults of issue 13, measured: a frozen silo (SIGSTOP), Redis down for 20 s, the cost of Redis's fsync on every
/// write, and every silo and gateway crashing at once. Every write acknowledged meanwhile is read back at the end.
/// </summary>
internal static class Faults
{
    private static readonly TimeSpan FreezeFor = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RedisDownFor = TimeSpan.FromSeconds(20);

    public static async Task Run(Bench bench)
    {
        var stack = bench.Stack;
        await stack.Invoke("scale", "silo=3");
        var acknowledged = new List<(string Company, string Location)>();
        await Freeze(bench, acknowledged);
        await RedisOutage(bench, acknowledged);
        await FsyncCost(bench);
        await Crash(bench);

        var lost = 0;
        foreach (var (company, location) in acknowledged)
        {
            using var response = await bench.Http.GetAsync(new Uri(bench.Front, $"/customers/{Uri.EscapeDataString(company)}"));
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || !body.Contains($"\"location\":\"{location}\"", StringComparison.Ordinal))
            {
                lost++;
            }
        }

        bench.Add(Figure.Of("fault_lost_writes", "writes", [lost], 0, $"writes acknowledged during the freezes and the Redis outage, then not read back after the whole-cluster crash, of {acknowledged.Count}"));
    }

    /// <summary>silo-3 frozen for 20 s: the longest gap with no successful read of its own grains; reads elsewhere and writes go on.</summary>
    private static async Task Freeze(Bench bench, List<(string Company, string Location)> acknowledged)
    {
        var stack = bench.Stack;
        var outages = new List<double>();
        var failedElsewhere = 0;
        var readsElsewhere = 0;
        var trials = bench.Quick ? 1 : 3;
        for (var trial = 1; trial <= trials; trial++)
        {
            // New customers for each trial, so that some live on silo-3 as it is now. Placement weighs the silos'
            // statistics, which reach the others some seconds after a silo (re)joins: until then a batch may all go
            // elsewhere, so batches are created until one places customers on silo-3, or 6 batches have not.
            var hosts = new Dictionary<int, string>();
            for (var batch = 0; batch < 6 && !hosts.ContainsValue("silo-3"); batch++)
            {
                if (batch > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5));
                }

                var numbers = Enumerable.Range(100_000 + (trial * 1000) + (batch * 100), 90).ToList();
                await bench.CreateCustomers(numbers);
                foreach (var (number, host) in await bench.Hosts(numbers))
                {
                    hosts[number] = host;
                }
            }

            var own = hosts.Where(h => h.Value == "silo-3").Select(h => Bench.CustomerPath(h.Key)).ToList();
            var elsewhere = hosts.Where(h => h.Value != "silo-3").Select(h => Bench.CustomerPath(h.Key)).ToList();
            if (own.Count == 0)
            {
                var placed = string.Join(", ", hosts.GroupBy(h => h.Value).Select(g => $"{g.Key}: {g.Count()}"));
                throw new InvalidOperationException($"none of {hosts.Count} new customers was placed on silo-3 ({placed})");
            }

            Bench.Log($"freeze trial {trial}: SIGSTOP silo-3 for {FreezeFor.TotalSeconds} s ({own.Count} of the customers read live there)");
            await using (var ownLoop = new RequestLoop(bench.Front, own, pause: TimeSpan.FromMilliseconds(10)))
            await using (var elsewhereLoop = new RequestLoop(bench.Front, elsewhere, pause: TimeSpan.FromMilliseconds(10)))
            await using (var writes = new RequestLoop(bench.Front, elsewhere, writePrefix: $"Freeze Bench {trial}", pause: TimeSpan.FromMilliseconds(10)))
            {
                await ownLoop.AfterMore(20);
                var pid = stack.Pid("silo-3");
                var (frozenAt, elsewhereAt) = (ownLoop.Now, elsewhereLoop.Now);
                Signals.Send(pid, Signals.SigStop);
                try
                {
                    await Task.Delay(FreezeFor);
                }
                finally
                {
                    Signals.Send(pid, Signals.SigCont);
                }

                outages.Add(ownLoop.LongestGapWithoutSuccess(frozenAt, frozenAt + FreezeFor).TotalSeconds);
                failedElsewhere += elsewhereLoop.FailuresBetween(elsewhereAt, elsewhereLoop.Now).Count;
                readsElsewhere += elsewhereLoop.Requests;
                acknowledged.AddRange(writes.Acknowledged);
            }

            // On SIGCONT it finds itself declared dead and stops; its supervisor starts it again as a new member.
            await Poll.SecondsUntil(async () => (await bench.Activations()).ContainsKey("silo-3"), TimeSpan.FromMinutes(2), "silo-3 back in the cluster");
        }

        var kill = bench.Figures.SingleOrDefault(f => f.Name == "kill_recovery_s")?.Value;
        bench.Add(Figure.Of("freeze_outage_s", "s", outages, kill,
            $"the longest gap with no successful read of the frozen silo's own grains while it was frozen {FreezeFor.TotalSeconds} s, {trials} trial(s); reference: kill_recovery_s"));
        bench.Add(Figure.Of("freeze_failed_reads_elsewhere", "requests", [failedElsewhere], 0, $"reads of grains on the other silos that failed while silo-3 was frozen, of {readsElsewhere}"));
    }

    /// <summary>Redis stopped for 20 s under reads and writes: the writes refused, and whether any answer was a 500.</summary>
    private static async Task RedisOutage(Bench bench, List<(string Company, string Location)> acknowledged)
    {
        var stack = bench.Stack;
        var paths = Enumerable.Range(1, 200).Select(Bench.CustomerPath).ToList();
        // Reads are of active grains: every one read just before (a grain activating needs its state from Redis).
        foreach (var path in paths)
        {
            using var response = await bench.Http.GetAsync(new Uri(bench.Front, path));
        }

        Bench.Log($"Redis down for {RedisDownFor.TotalSeconds} s under reads and writes");
        await using var reads = new RequestLoop(bench.Front, paths, pause: TimeSpan.FromMilliseconds(10));
        await using var writes = new RequestLoop(bench.Front, paths, writePrefix: "Redis Bench", pause: TimeSpan.FromMilliseconds(10));
        await writes.AfterMore(40);
        var (downAt, requestsBefore) = (writes.Now, writes.Requests);
        await stack.Invoke("stop", "redis");
        await Task.Delay(RedisDownFor);
        var (upAt, requestsDuring) = (writes.Now, writes.Requests - requestsBefore);
        await stack.Invoke("up");
        await Poll.SecondsUntil(() => Task.FromResult(writes.Acknowledged.Count(a => writes.AcknowledgedAt(a.Company) > upAt) >= 10), TimeSpan.FromMinutes(2), "writes acknowledged again");
        var failedWrites = writes.FailuresBetween(downAt, writes.Now);
        var serverErrors = failedWrites.Concat(reads.FailuresBetween(TimeSpan.Zero, reads.Now)).Count(f => f.What.Contains(": 500 ", StringComparison.Ordinal));
        acknowledged.AddRange(writes.Acknowledged);
        // Every fourth request of the write loop is a write.
        bench.Add(Figure.Of("redis_outage_failed_writes", "requests", [failedWrites.Count], requestsDuring / 4.0,
            $"writes answered 503/504 while Redis was down {RedisDownFor.TotalSeconds} s and until it served again; reference: the writes sent during the outage"));
        bench.Add(Figure.Of("redis_outage_failed_reads", "requests", [reads.FailuresBetween(downAt, reads.Now).Count], 0, $"reads of active grains that failed meanwhile, of {reads.Requests}"));
        bench.Add(Figure.Of("redis_outage_500s", "requests", [serverErrors], 0, "answers 500 during the outage (never expected: a write refused is 503 or 504)"));
    }

    /// <summary>Creates per second through nginx with Redis's appendfsync always (the stack's) and everysec, side by side.</summary>
    private static async Task FsyncCost(Bench bench)
    {
        var measured = new Dictionary<string, List<Wrk>> { ["always"] = [], ["everysec"] = [] };
        Bench.Log("the cost of appendfsync always: creates at 32 connections, always and everysec taking turns");
        try
        {
            for (var run = 0; run < bench.Runs; run++)
            {
                foreach (var mode in measured.Keys)
                {
                    await bench.RedisCli("CONFIG", "SET", "appendfsync", mode);
                    var script = Path.Combine(bench.Results, $"put-{mode}-{run}.lua");
                    await File.WriteAllTextAsync(script, PutScript($"Fsync {mode} {run}"));
                    measured[mode].Add(await Wrk.RunAsync(bench.Front.ToString(), 32, bench.Duration, script));
                }
            }
        }
        finally
        {
            await bench.RedisCli("CONFIG", "SET", "appendfsync", "always");
        }

        bench.AddLoad("create_fsync_always", 32, "", "PUT of new customers through nginx, 32 connections, Redis appendfsync always (acknowledged = on disk)",
            measured["always"], measured["everysec"], "the same with appendfsync everysec (up to a second of acknowledged writes lost in a power cut)");
    }

    /// <summary>Every silo and gateway, and their supervisors, SIGKILLed at once; then <c>./autopilot up</c>.</summary>
    private static async Task Crash(Bench bench)
    {
        var stack = bench.Stack;
        Bench.Log("every silo and gateway SIGKILLed at once, then ./autopilot up");
        var clock = Stopwatch.StartNew();
        foreach (var name in new[] { "silo-1", "silo-2", "silo-3", "gateway-1", "gateway-2" })
        {
            Signals.Send(stack.Pid(name, supervisor: true), Signals.SigKill);
            Signals.Send(stack.Pid(name), Signals.SigKill);
        }

        await stack.Invoke("up");
        await Poll.SecondsUntil(() => bench.Serves(new Uri(bench.Front, Bench.CustomerPath(1))), TimeSpan.FromMinutes(2), "serving again");
        bench.Add(Figure.Of("cluster_crash_recovery_s", "s", [clock.Elapsed.TotalSeconds], bench.Figures.SingleOrDefault(f => f.Name == "cold_start_s")?.Value,
            "from SIGKILL of every silo and gateway to the first 200 after ./autopilot up; reference: cold_start_s (up on a stopped stack)"));
    }

    private static string PutScript(string prefix) => $$"""
        -- PUTs of new customers: one name per request, per wrk thread.
        local threads = 0
        function setup(thread)
          threads = threads + 1
          thread:set("tid", threads)
        end
        local n = 0
        request = function()
          n = n + 1
          local path = "/customers/" .. string.gsub("{{prefix}} " .. tid .. " " .. n, " ", "%%20")
          return wrk.format("PUT", path, { ["Content-Type"] = "application/json" }, '{"location":"Springfield"}')
        end
        """;
}
