using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Autopilot.Bench.Scenarios;

/// <summary>
/// Records by the hundred thousand, on a fresh stack of 1 silo and 2 gateways: 100,000 customers created through nginx at
/// 32 connections (creates per second over the first and the last tenth, failures); a 100-row page at 1k, 10k and 100k
/// customers beside a static file of the same size; the silo's resident memory after the ingest and once idle
/// collection has run; Redis's memory per customer; and the same page from the peer (<see cref="Peer"/>) holding the same
/// customers, in turns with Autopilot's. <c>--quick</c> stops at 20,000.
/// </summary>
internal static class Scale
{
    public static async Task Run(Bench bench)
    {
        var stack = bench.Stack;
        await bench.FreshStack(silos: 1, gateways: 2);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleRss = stack.RssMegabytes("silo-1");
        await bench.AddMemoryParts("idle_silo", "silo-1", stack.SiloHttp(1), idleRss, "the fresh silo");
        var idleActivations = (await bench.Activations())["silo-1"];
        var redisBefore = await UsedMemory(bench);
        int[] marks = bench.Quick ? [1_000, 5_000, 20_000] : [1_000, 10_000, 100_000];
        var total = marks[^1];
        var tenth = total / 10;
        var blocks = new TimeSpan[10];
        var failed = 0;
        var created = 0;
        var rssAfterIngest = 0.0;
        foreach (var mark in marks)
        {
            Bench.Log($"creating customers {created + 1} to {mark} at 32 connections");
            while (created < mark)
            {
                var upTo = Math.Min(mark, ((created / tenth) + 1) * tenth);
                var (failures, took) = await bench.CreateCustomers(Enumerable.Range(created + 1, upTo - created), parallel: 32);
                blocks[created / tenth] += took;
                failed += failures;
                created = upTo;
            }

            if (mark == total)
            {
                rssAfterIngest = stack.RssMegabytes("silo-1");
            }

            await Pages(bench, mark);
        }

        var label = $"{tenth / 1000}k";
        var first = tenth / blocks[0].TotalSeconds;
        bench.Add(Figure.Of($"ingest_first_{label}_creates_per_s", "creates/s", [first], null, $"creates per second over the first {tenth:N0} of {total:N0} customers, PUT through nginx at 32 connections"));
        bench.Add(Figure.Of($"ingest_last_{label}_creates_per_s", "creates/s", [tenth / blocks[9].TotalSeconds], first,
            $"creates per second over the last {tenth:N0} of {total:N0}; reference: the first {tenth:N0}"));
        bench.Add(Figure.Of("ingest_failed_requests", "requests", [failed], 0, $"creates not acknowledged of {total:N0}"));
        bench.Add(Figure.Of("redis_bytes_per_customer", "bytes", [(await UsedMemory(bench) - redisBefore) / (double)total], null,
            $"growth of Redis's used_memory over the ingest, per customer (its state and its place in the name index)"));
        bench.Add(Figure.Of("idle_silo_rss_mb", "MB", [idleRss], 128, "resident size of the fresh silo before the ingest; reference: the workshop's 128 MB container limit"));
        bench.Add(Figure.Of("ingest_silo_rss_mb", "MB", [rssAfterIngest], idleRss, $"resident size of the silo right after {total:N0} creates; reference: the same silo idle"));
        // After Redis's memory is read: the peer's rows live in the same Redis.
        await PeerPages(bench, total);

        // Idle: every customer's activation is collected after Orleans:GrainCollection's age (2 minutes unread).
        Bench.Log("waiting for idle collection");
        var waited = await Poll.SecondsUntil(async () => (await bench.Activations())["silo-1"] <= idleActivations + 100, TimeSpan.FromMinutes(8),
            "the customers' activations collected");
        await Task.Delay(TimeSpan.FromSeconds(30));
        bench.Add(Figure.Of("collected_silo_rss_mb", "MB", [stack.RssMegabytes("silo-1")], idleRss,
            $"resident size of the silo 30 s after idle collection took the activations back to {idleActivations} + 100 or fewer ({waited:0} s after the last measurement); reference: the same silo idle before the ingest"));
    }

    /// <summary>GET /customers?limit=100 at 128 and 32 connections beside a static file of the same size, with <paramref name="count"/> customers stored.</summary>
    private static async Task Pages(Bench bench, int count)
    {
        var page = new Uri(bench.Front, "/customers?limit=100").ToString();
        var rows = await bench.Http.GetFromJsonAsync<JsonElement>(page);
        var size = (await bench.Http.GetByteArrayAsync(page)).Length;
        var urls = new Dictionary<string, string> { ["static"] = await bench.Static.Of($"page-{count}.json", size, bench.Serves), ["page"] = page };
        var suffix = $"_n{count}";
        foreach (var connections in new[] { 128, 32 })
        {
            Bench.Log($"a 100-row page at {connections} connections, {count:N0} customers stored");
            var watch = connections == 128
                ? new Dictionary<string, Dictionary<string, int>> { ["static"] = bench.Static.Processes, ["page"] = bench.Stack.Processes() }
                : null;
            var m = await bench.SideBySide(connections, urls, watch: watch);
            bench.AddLoad("static_page", connections, suffix, $"nginx serving a static file of {size} bytes, {connections} connections", m["static"], null, "");
            bench.AddCpu("static_page", connections, suffix, $"nginx serving a static file of {size} bytes", m["static"]);
            bench.AddCpu("page", connections, suffix, $"GET /customers?limit=100 through nginx, {count.ToString("N0", CultureInfo.InvariantCulture)} customers stored", m["page"]);
            bench.AddLoad("page", connections, suffix,
                $"GET /customers?limit=100 ({rows.GetArrayLength()} rows, {size} bytes) through nginx, {connections} connections, {count.ToString("N0", CultureInfo.InvariantCulture)} customers stored",
                m["page"], m["static"], "a static file of the same size");
        }
    }

    /// <summary>
    /// The same 100-row page from the peer (a minimal API over Redis), holding the same customers, in turns with
    /// Autopilot's: two instances behind nginx, filled through their PUT route with the stack's rows.
    /// </summary>
    private static async Task PeerPages(Bench bench, int count)
    {
        await using var peer = await Peer.Start(bench, frontPort: 28091, firstPort: 28092);
        await peer.CopyRows(bench);
        Bench.Log($"filling the peer with the same {count:N0} customers");
        var (failed, _) = await bench.CreateCustomers(Enumerable.Range(1, count), parallel: 32, front: peer.Front);
        if (failed > 0)
        {
            throw new InvalidOperationException($"the peer refused {failed} of {count} creates");
        }

        var urls = new Dictionary<string, string>
        {
            ["page"] = new Uri(bench.Front, "/customers?limit=100").ToString(),
            ["peer_page"] = new Uri(peer.Front, "/customers?limit=100").ToString(),
        };
        var sizes = await Task.WhenAll(urls.Values.Select(async url => (await bench.Http.GetByteArrayAsync(url)).Length));
        foreach (var connections in new[] { 128, 32 })
        {
            Bench.Log($"a 100-row page at {connections} connections, {count:N0} customers, Autopilot and the peer in turns");
            var watch = connections == 128
                ? new Dictionary<string, Dictionary<string, int>> { ["page"] = bench.Stack.Processes(), ["peer_page"] = peer.Processes(bench) }
                : null;
            var m = await bench.SideBySide(connections, urls, watch: watch);
            var suffix = $"_n{count}";
            bench.AddLoad("page_beside_peer", connections, suffix, $"Autopilot's GET /customers?limit=100 ({sizes[0]} bytes) through nginx, {count:N0} customers, {connections} connections, in turns with the peer",
                m["page"], null, "");
            bench.AddLoad("peer_page", connections, suffix, $"the peer's GET /customers?limit=100 ({sizes[1]} bytes) through nginx, {count:N0} customers, 2 instances over Redis, {connections} connections",
                m["peer_page"], m["page"], "Autopilot's, in the same turns");
            bench.AddCpu("page_beside_peer", connections, suffix, $"Autopilot's GET /customers?limit=100 through nginx, {count:N0} customers", m["page"]);
            bench.AddCpu("peer_page", connections, suffix, $"the peer's GET /customers?limit=100 through nginx, {count:N0} customers", m["peer_page"]);
        }
    }

    private static async Task<long> UsedMemory(Bench bench)
    {
        var info = await bench.RedisCli("INFO", "memory");
        var line = info.Split('\n').First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
