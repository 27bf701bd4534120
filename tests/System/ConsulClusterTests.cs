using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Contracts;
using Autopilot.Stack.Cli;
using Autopilot.Stack.Model;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>Silo and gateway processes that find each other through a real Consul agent and nothing else.</summary>
[Trait("Category", "system")]
public sealed class ConsulClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string clusterId = $"system-{Guid.NewGuid():N}";
    private readonly List<ChildProcess> processes = [];
    private ConsulAgent agent = null!;
    private HttpClient consul = null!;

    public async Task InitializeAsync()
    {
        agent = await ConsulAgent.StartAsync();
        consul = new HttpClient { BaseAddress = agent.Address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        consul.Dispose();
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task A_silo_whose_certificate_another_CA_signed_never_joins_while_one_of_the_clusters_CA_does()
    {
        var certificates = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"tls-{Guid.NewGuid():N}");
        string[] Tls(string authority, string role)
        {
            var folder = Path.Combine(certificates, authority);
            Directory.CreateDirectory(folder);
            ClusterCa.Ensure(folder, ["silo", "gateway"], File.WriteAllText, File.WriteAllBytes);
            return [$"--Tls:CertificateFile={Path.Combine(folder, ClusterCa.CertificateOf(role))}", $"--Tls:CaFile={Path.Combine(folder, ClusterCa.AuthorityCertificate)}"];
        }

        try
        {
            var first = Track(SiloProcess.Start("tls-silo-1", agent.Address, clusterId, Tls("cluster", "silo")));
            var httpPort = TestPorts.Next();
            var gateway = Track(Hosts.Start("tls-gateway", "Gateway",
                [$"--Consul:Address={agent.Address}", $"--Orleans:ClusterId={clusterId}", $"--urls=http://127.0.0.1:{httpPort}", .. Tls("cluster", "gateway")]));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
            await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Count() == 1, Generous,
                "the gateway's /cluster lists the first silo", () => Tails([first.Process, gateway]));

            // A silo of another CA tries to join for 30 s: it is never active. (Then it stops: Orleans declares it dead.)
            var stranger = Track(SiloProcess.Start("tls-stranger", agent.Address, clusterId, Tls("foreign", "silo")));
            var watched = System.Diagnostics.Stopwatch.StartNew();
            while (watched.Elapsed < TimeSpan.FromSeconds(30))
            {
                var view = await http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json);
                Assert.DoesNotContain(stranger.Name, view!.Active);
                await Task.Delay(1000);
            }

            // The control: a silo with the cluster's certificate joins.
            var second = Track(SiloProcess.Start("tls-silo-2", agent.Address, clusterId, Tls("cluster", "silo")));
            await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Contains(second.Name), Generous,
                "a silo with the cluster CA's certificate joins", () => Tails([second.Process]));
            Assert.DoesNotContain(stranger.Name, (await http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json))!.Active);
        }
        finally
        {
            Directory.Delete(certificates, recursive: true);
        }
    }

    [Fact]
    public async Task Three_silos_and_a_gateway_form_one_cluster_through_Consul_and_a_fourth_silo_joins_with_no_config_change()
    {
        var silos = Enumerable.Range(1, 3).Select(i => Track(SiloProcess.Start($"silo-{i}", agent.Address, clusterId))).ToList();
        var httpPort = TestPorts.Next();
        var gateway = Track(Hosts.Start("gateway", "Gateway", [$"--Consul:Address={agent.Address}", $"--Orleans:ClusterId={clusterId}", $"--urls=http://127.0.0.1:{httpPort}"]));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };

        var cluster = await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Count() == 3, Generous,
            "the gateway's /cluster lists three active silos", () => Tails(silos.Select(s => s.Process).Append(gateway)));
        Assert.Equal(silos.Select(s => s.Name).Order(), cluster!.Active.Order());
        // A silo is Active before its start-up tasks end, so the seed (customers first, then the reps that take them) may
        // still be under way when the third silo shows: the seed completes, in a bounded time.
        var customers = await Eventually.Holds(() => http.GetFromJsonAsync<CustomerRecord[]>("/customers", Json)!,
            c => c!.Length == 4 && c.All(r => r.Rep is not null), Generous, "the seed's four customers, each with its rep",
            () => Tails(silos.Select(s => s.Process).Append(gateway)));
        Assert.Equal(["ACME Corporation", "Hooli", "Initech", "Vandelay Industries"], customers!.Select(c => c.Company).Order());

        var fourth = Track(SiloProcess.Start("silo-4", agent.Address, clusterId));
        await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Contains(fourth.Name) && c.Active.Count() == 4, Generous,
            "the fourth silo is listed active", () => Tails([fourth.Process]));

        var passingSilos = await Eventually.Holds(() => Passing("silo"), ids => ids.Count == 4, Generous, "Consul lists four passing silos");
        Assert.Contains(fourth.Name, passingSilos);
        Assert.Single(await Eventually.Holds(() => Passing("gateway"), ids => ids.Count == 1, Generous, "Consul lists the gateway"));
    }

    [Fact]
    public async Task A_stopped_silo_leaves_cleanly_and_a_killed_one_is_declared_dead_while_the_cluster_keeps_answering()
    {
        var silos = Enumerable.Range(1, 3).Select(i => Track(SiloProcess.Start($"silo-{i}", agent.Address, clusterId))).ToList();
        var httpPort = TestPorts.Next();
        Track(Hosts.Start("gateway", "Gateway", [$"--Consul:Address={agent.Address}", $"--Orleans:ClusterId={clusterId}", $"--urls=http://127.0.0.1:{httpPort}"]));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
        await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Count() == 3, Generous, "three active silos");
        var checks = "";
        await Eventually.Holds(
            async () =>
            {
                checks = await Checks("silo");
                return await Passing("silo");
            },
            ids => ids.Count == 3, Generous, "three passing silos in Consul", () => checks + Tails(silos.Select(s => s.Process)));

        Assert.Equal(0, await silos[2].Process.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.True(silos[2].Process.Printed($"Deregistered {silos[2].Name} from Consul"), silos[2].Process.Tail());
        Assert.DoesNotContain(silos[2].Name, await Passing("silo", passingOnly: false));
        await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Count() == 2, Generous, "the stopped silo left");
        // It said goodbye on its lifeline: no peer declared it dead (a verdict names the silo by its port).
        Assert.False(silos[0].Process.Printed(DeclaredByLifeline(silos[2])) || silos[1].Process.Printed(DeclaredByLifeline(silos[2])), silos[0].Process.Tail());

        // The survivor reads the lifeline of the silo about to be killed, and that silo has answered it (a silo that joined
        // moments ago may not be watched yet, and a kill before the answer leaves no lifeline to end: ci21 killed it 0.3 s
        // after the survivor began watching, and the probes declared it dead instead).
        await Eventually.Holds(() => Task.FromResult(silos[0].Process.Printed($"The lifeline of silo S127.0.0.1:{silos[1].SiloPort}:")),
            printed => printed, Generous, "the survivor reads the other silo's open lifeline", () => silos[0].Process.Tail());
        silos[1].Process.Kill();
        await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!,
            c => c!.Silos.Any(s => s.Name == silos[1].Name && s.Status == "Dead"), Generous, "the killed silo is declared dead");
        // By the survivor, from its lifeline, not after the membership's missed probes.
        await Eventually.Holds(() => Task.FromResult(silos[0].Process.Printed(DeclaredByLifeline(silos[1]))), printed => printed, Generous,
            "the survivor logs that it declared the killed silo dead from its lifeline", () => silos[0].Process.Tail());
        // Grain state is in the silos' memory here (Redis comes with the local stack), so what the dead silos held is
        // gone; what must hold is that the survivor takes new work at once.
        var written = await Eventually.Holds(
            async () => await (await http.PutAsJsonAsync("/customers/Survivor%20Inc", new { location = "Anywhere" })).Content.ReadFromJsonAsync<CustomerRecord>(Json),
            c => c?.Location == "Anywhere", Generous, "the survivor accepts a write");
        Assert.Equal(silos[0].Name, written!.Source);
        await Eventually.Holds(() => Passing("silo"), ids => ids.SequenceEqual([silos[0].Name]), Generous, "only the survivor passes in Consul");
    }

    [Fact]
    public async Task Orleans_own_configuration_keys_select_the_Consul_provider_and_name_the_silo()
    {
        // No Consul:Address: both processes find the cluster through Orleans:Clustering alone, as with Orleans' own providers.
        string[] clustering = ["--Orleans:Clustering:ProviderType=Consul", $"--Orleans:Clustering:Address={agent.Address}", $"--Orleans:ClusterId={clusterId}"];
        var (siloPort, gatewayPort, httpPort) = (TestPorts.Next(), TestPorts.Next(), TestPorts.Next());
        var silo = Track(Hosts.Start("silo-orleans-keys", "Silo",
        [
            .. clustering, "--Orleans:Name=configured-silo", "--Orleans:Endpoints:AdvertisedIPAddress=127.0.0.1",
            $"--Orleans:Endpoints:SiloPort={siloPort}", $"--Orleans:Endpoints:GatewayPort={gatewayPort}", $"--urls=http://127.0.0.1:{TestPorts.Next()}",
        ]));
        var gateway = Track(Hosts.Start("gateway-orleans-keys", "Gateway", [.. clustering, $"--urls=http://127.0.0.1:{httpPort}"]));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };

        var cluster = await Eventually.Holds(() => http.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, c => c!.Active.Any(), Generous,
            "the gateway sees an active silo", () => Tails([silo, gateway]));

        Assert.Equal(["configured-silo"], cluster!.Active);
        Assert.Contains($"127.0.0.1:{siloPort}", cluster.Silos[0].Address, StringComparison.Ordinal);
        var rows = await consul.GetFromJsonAsync<JsonElement>($"/v1/kv/orleans/{clusterId}/?recurse=true");
        Assert.Contains(rows.EnumerateArray(), row => row.GetProperty("Key").GetString()!.Contains($"127.0.0.1:{siloPort}", StringComparison.Ordinal));
        Assert.True(silo.Printed("clustering Consul (Orleans:Clustering)"), silo.Tail());
    }

    [Theory]
    [InlineData("Silo", "--Orleans:Endpoints:SiloPort=eleven", "Orleans:Endpoints:SiloPort must be a port between 1 and 65535; it is 'eleven'.")]
    [InlineData("Silo", "--Consul:Address=http://127.0.0.1:1 --Orleans:Endpoints:GatewayPort=eleven", "Orleans:Endpoints:GatewayPort must be a port between 1 and 65535; it is 'eleven'.")]
    [InlineData("Silo", "--Orleans:Endpoints:SiloPort=70000", "Orleans:Endpoints:SiloPort must be a port between 1 and 65535; it is 70000.")]
    [InlineData("Silo", "--Orleans:Endpoints:AdvertisedIPAddress=localhost-ish", "Orleans:Endpoints:AdvertisedIPAddress 'localhost-ish' is not an IP address.")]
    [InlineData("Silo", "--Consul:Address=ftp://127.0.0.1:8500", "Consul:Address 'ftp://127.0.0.1:8500' is not an http or https URL.")]
    [InlineData("Silo", "--MemoryTrim:MinimumDrop=-1", "MemoryTrim:MinimumDrop must be 0 (off) or more; it is -1.")]
    [InlineData("Gateway", "--Api:RequestTimeout=-00:00:01", "Api:RequestTimeout must be positive; it is -00:00:01.")]
    [InlineData("Gateway", "--Startup:DependencyTimeout=soon", "Failed to convert configuration value 'soon' at 'Startup:DependencyTimeout' to type 'System.TimeSpan'.")]
    [InlineData("Edge", "--Edge:Listen=nowhere", "Edge:Listen must be address:port, e.g. 127.0.0.1:8080; it is 'nowhere'.")]
    [InlineData("Gateway", "--Consul:Address=nowhere", "Consul:Address 'nowhere' is not an http or https URL.")]
    [InlineData("Edge", "--Edge:ConnectionsPerClient=100000", "Edge:ConnectionsPerClient must be at most 65535 (nginx's limit_conn); it is 100000.")]
    [InlineData("Edge", "--Edge:RatePerClient=0", "Edge:RatePerClient must be at least 1; it is 0.")]
    [InlineData("Gateway", "--Consul:Address=http://127.0.0.1:1 --Consul:TokenFile=/nonexistent/gateway.token", "Consul:TokenFile '/nonexistent/gateway.token' does not exist.")]
    [InlineData("Gateway", "--Tls:CertificateFile=/nonexistent/gateway.pfx --Tls:CaFile=/nonexistent/ca.crt", "Tls:CertificateFile '/nonexistent/gateway.pfx' does not exist; TLS needs both the certificate and the cluster's CA.")]
    [InlineData("Silo", "--Storage:Redis=127.0.0.1:1 --Storage:RedisPasswordFile=/nonexistent/redis.password", "Storage:RedisPasswordFile '/nonexistent/redis.password' does not exist.")]
    public async Task Bad_configuration_stops_the_process_with_exit_code_2_and_one_sentence_naming_the_key(string project, string arguments, string expected)
    {
        var process = Track(Hosts.Start($"{project.ToLowerInvariant()}-bad-{Guid.NewGuid():N}", project, [.. arguments.Split(' '), $"--urls=http://127.0.0.1:{TestPorts.Next()}"]));

        Assert.Equal(2, await process.ExitCodeAsync(Generous));
        Assert.True(process.Printed(expected), process.Tail());
        Assert.False(process.Printed("   at "), "a stack trace was printed\n" + process.Tail());
    }

    // What a silo logs when it declares the silo dead from its lifeline.
    private static string DeclaredByLifeline(SiloProcess silo) => $"Declaring silo S127.0.0.1:{silo.SiloPort}:";

    private T Track<T>(T started)
    {
        processes.Add(started switch
        {
            SiloProcess silo => silo.Process,
            ChildProcess process => process,
            _ => throw new ArgumentException("not a process", nameof(started)),
        });
        return started;
    }

    private async Task<List<string>> Passing(string service, bool passingOnly = true)
    {
        var entries = await consul.GetFromJsonAsync<JsonElement>($"/v1/health/service/{service}?passing={passingOnly.ToString().ToLowerInvariant()}");
        return [.. entries.EnumerateArray().Select(e => e.GetProperty("Service").GetProperty("ID").GetString()!).Order()];
    }

    // Every instance of the service Consul holds, with each check's status and output: why one is not passing.
    private async Task<string> Checks(string service)
    {
        var entries = await consul.GetFromJsonAsync<JsonElement>($"/v1/health/service/{service}");
        return string.Concat(entries.EnumerateArray().Select(e =>
            $"\n{e.GetProperty("Service").GetProperty("ID").GetString()}: " + string.Join("; ", e.GetProperty("Checks").EnumerateArray()
                .Select(c => $"{c.GetProperty("CheckID").GetString()} {c.GetProperty("Status").GetString()} '{c.GetProperty("Output").GetString()?.Trim()}'"))));
    }

    private static string Tails(IEnumerable<ChildProcess> processes) => "\n" + string.Join('\n', processes.Select(p => p.Tail()));
}
