using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Contracts;
using Autopilot.Stack.Traffic;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// The mission's proof, driven through <c>./autopilot</c> exactly as the README shows a person: one stack goes
/// through scaling, a clean stop, a crash and a Consul restart, and must lose nothing acknowledged. It is one story
/// because each step builds on the state the previous one left, as it would for a user.
/// </summary>
[Trait("Category", "system")]
public sealed class StackTests
{
    private const int Customers = 2000;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_stack_assembles_scales_survives_a_stop_a_kill_and_a_Consul_restart_and_down_leaves_nothing()
    {
        await using var stack = new StackCommand();
        using var consul = new HttpClient { BaseAddress = stack.ConsulAddress, Timeout = TimeSpan.FromSeconds(5) };

        // 1. Up with one silo and one gateway: the workshop's four joined rows through nginx.
        var url = (await stack.Invoke(TimeSpan.FromMinutes(10), stack.UpArguments(silos: 1, gateways: 1))).Trim().Split('\n')[^1];
        Assert.Equal($"http://127.0.0.1:{stack.EdgePort}", url);
        using var front = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(15) };
        var seeded = await front.GetFromJsonAsync<CustomerRecord[]>("/customers", Json);
        Assert.Equal(["ACME Corporation", "Hooli", "Initech", "Vandelay Industries"], seeded!.Select(c => c.Company).Order());
        Assert.All(seeded!, c => Assert.NotNull(c.Rep));

        // 2. Gateways scale: nginx's rendered upstream equals Consul's passing gateways (the workshop's own check).
        await stack.Invoke(Generous, "scale", "gateway=3");
        await Eventually.Holds(() => UpstreamMatchesConsul(stack, consul), same => same.Nginx.Count == 3 && same.Nginx.SetEquals(same.Consul), Generous,
            "nginx's upstream lists the three passing gateways");
        await stack.Invoke(Generous, "scale", "gateway=2");
        var two = await Eventually.Holds(() => UpstreamMatchesConsul(stack, consul), same => same.Nginx.Count == 2 && same.Nginx.SetEquals(same.Consul), Generous,
            "nginx's upstream lists the two passing gateways");
        Assert.DoesNotContain(stack.GatewayPort(3), two.Nginx);

        // 3. 2,000 customers, then a third silo: the rebalancer gives it a fair share.
        var names = Enumerable.Range(1, Customers).Select(i => $"Stack Co {i}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, token) =>
        {
            using var response = await front.PutAsJsonAsync($"/customers/{Uri.EscapeDataString(name)}", new { location = $"City of {name}" }, token);
            Assert.True(response.IsSuccessStatusCode, $"PUT {name}: {(int)response.StatusCode}");
        });
        await stack.Invoke(Generous, "scale", "silo=3");
        using var prometheus = new HttpClient { BaseAddress = stack.Ports.PrometheusUrl, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Holds(() => prometheus.GetFromJsonAsync<JsonElement>("/api/v1/targets?state=active"),
            targets => targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Count(t => t.GetProperty("labels").GetProperty("service").GetString() == "silo" && t.GetProperty("health").GetString() == "up") == 3,
            TimeSpan.FromSeconds(30), "Prometheus finds the three silos through Consul and scrapes them");
        var spread = await Eventually.Holds(() => front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, Balanced, TimeSpan.FromMinutes(4),
            "the activations spread over three silos: each at least a fifth, none more than half");
        Assert.Equal(3, spread!.Active.Count());

        // 4. Under a steady request loop: a clean stop fails no request; after a crash, requests recover, and nothing written is lost.
        await using (var loop = new RequestLoop(new Uri(url), [.. names.Select(n => $"/customers/{Uri.EscapeDataString(n)}")]))
        {
            await loop.AfterMore(200);
            var beforeStop = loop.Now;
            await stack.Invoke(Generous, "stop", "silo", "3");
            await loop.AfterMore(300);
            NoFailures(loop, beforeStop, "beforeStop");

            var requestsAtKill = loop.Requests;
            await stack.Invoke(Generous, "kill", "silo", "2");
            // The loop is sequential: a request the crash left hanging holds it until it fails, so recovery means
            // fifty requests done since the kill, and none failing for five seconds.
            await Eventually.Holds(() => Task.FromResult((Now: loop.Now, Last: loop.LastFailure(), Done: loop.Requests - requestsAtKill)),
                s => s.Done >= 50 && (s.Last is null || s.Now - s.Last > TimeSpan.FromSeconds(5)),
                Generous, "requests succeed again for five seconds in a row after the kill");
            var afterRecovery = loop.Now;
            await loop.AfterMore(200);
            NoFailures(loop, afterRecovery, "afterRecovery");

            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, token) =>
            {
                var row = await front.GetFromJsonAsync<CustomerRecord>($"/customers/{Uri.EscapeDataString(name)}", Json, token);
                Assert.Equal($"City of {name}", row!.Location);
            });

            // 5. Consul restarts under the loop: the cluster keeps serving, every registration returns by itself.
            var beforeRestart = loop.Now;
            await stack.Invoke(Generous, "restart", "consul");
            await Eventually.Holds(() => PassingPorts(consul, "gateway"), ports => ports.Count == 2, Generous, "both gateways are registered and passing again");
            await Eventually.Holds(() => PassingPorts(consul, "silo"), ports => ports.SetEquals([stack.SiloPort(1)]), Generous, "the surviving silo is registered and passing again");
            await Eventually.Holds(() => PassingPorts(consul, "edge"), ports => ports.SetEquals([stack.EdgePort]), Generous, "the edge is registered and passing again");
            var cluster = await front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json);
            Assert.Equal(["silo-1"], cluster!.Active.ToList());
            await loop.AfterMore(300);
            NoFailures(loop, beforeRestart, "beforeRestart");
        }

        // 6. Down: no process, no port, and no registration left in Consul's data.
        var pids = Directory.GetFiles(Path.Combine(stack.Run, "pids"), "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await stack.Invoke(TimeSpan.FromMinutes(3), "down");
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"process {pid} outlived down"));
        Assert.Empty(Directory.GetFiles(Path.Combine(stack.Run, "pids"), "*.pid"));
        await Assert.ThrowsAsync<HttpRequestException>(() => front.GetAsync("/health"));
        await using var restarted = await ConsulOnDataDirectory(stack);
        var services = await consul.GetFromJsonAsync<Dictionary<string, JsonElement>>("/v1/agent/services");
        Assert.Empty(services!);
    }

    private static void NoFailures(RequestLoop loop, TimeSpan from, string since)
    {
        var failures = loop.FailuresBetween(from, loop.Now);
        Assert.True(failures.Count == 0, $"{failures.Count} request(s) failed since {since}:\n{string.Join('\n', failures.Select(f => $"{f.At}: {f.What}"))}");
    }

    private static bool Balanced(ClusterAnswer? cluster)
    {
        var active = cluster!.Silos.Where(s => s.Status == "Active" && s.Activations is not null).ToList();
        var total = active.Sum(s => s.Activations!.Value);
        return active.Count == 3 && active.All(s => s.Activations >= total / 5 && s.Activations <= total / 2);
    }

    private static async Task<(HashSet<int> Nginx, HashSet<int> Consul)> UpstreamMatchesConsul(StackCommand stack, HttpClient consul)
    {
        var nginx = File.ReadAllLines(Path.Combine(stack.Run, "edge", "gateways.conf"))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("server 127.0.0.1:", StringComparison.Ordinal) && !l.Contains(" down;", StringComparison.Ordinal))
            .Select(l => int.Parse(l["server 127.0.0.1:".Length..l.IndexOf(' ', "server ".Length)], System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();
        return (nginx, await PassingPorts(consul, "gateway"));
    }

    private static async Task<HashSet<int>> PassingPorts(HttpClient consul, string service)
    {
        var entries = await consul.GetFromJsonAsync<JsonElement>($"/v1/health/service/{service}?passing=true");
        return [.. entries.EnumerateArray().Select(e => e.GetProperty("Service").GetProperty("Port").GetInt32())];
    }

    /// <summary>Consul alone, on the stack's data folder and ports, to read what registrations it kept.</summary>
    private static async Task<ChildProcess> ConsulOnDataDirectory(StackCommand stack)
    {
        var consul = ChildProcess.Start("consul-after-down", Repo.RunScript("scripts/install-consul.sh", TimeSpan.FromMinutes(5)),
        [
            "agent", "-server", "-bootstrap-expect=1", "-node=autopilot", $"-data-dir={Path.Combine(stack.Run, "consul", "data")}",
            "-bind=127.0.0.1", "-client=127.0.0.1", $"-http-port={stack.Ports.ConsulHttp}", "-dns-port=-1", "-grpc-port=-1",
            $"-server-port={stack.Ports.ConsulServer}", $"-serf-lan-port={stack.Ports.ConsulSerfLan}", $"-serf-wan-port={stack.Ports.ConsulSerfWan}",
        ], Hosts.LogDirectory);
        using var http = new HttpClient { BaseAddress = stack.ConsulAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Holds(() => http.GetFromJsonAsync<string>("/v1/status/leader"), leader => !string.IsNullOrEmpty(leader), Generous,
            "Consul restarts on the stack's data folder", consul.Tail);
        return consul;
    }
}
