using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Contracts;
using Autopilot.Stack.Model;
using Autopilot.Stack.Traffic;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// The mission's proof, driven through <c>./autopilot</c> exactly as the README shows a person: one stack goes through
/// scaling, a clean stop, a crash and a Consul restart, and must lose nothing acknowledged. Each step builds on the state
/// the previous one left, as it would for a user; each reports on its own (<see cref="StepOrderer"/>).
/// </summary>
[Trait("Category", "system")]
[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]
public sealed class StackTests(StackTests.State state) : IClassFixture<StackTests.State>
{
    private const int Customers = 2000;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    [Step(1)]
    public Task Up_with_one_silo_and_one_gateway_serves_the_workshops_four_joined_rows_through_nginx() => state.Step(1, async () =>
    {
        var url = (await state.Stack.Invoke(TimeSpan.FromMinutes(10), state.Stack.UpArguments(silos: 1, gateways: 1))).Trim().Split('\n')[^1];
        Assert.Equal($"http://127.0.0.1:{state.Stack.EdgePort}", url);
        var seeded = await state.Front.GetFromJsonAsync<CustomerRecord[]>("/customers", Json);
        Assert.Equal(["ACME Corporation", "Hooli", "Initech", "Vandelay Industries"], seeded!.Select(c => c.Company).Order());
        Assert.All(seeded!, c => Assert.NotNull(c.Rep));

        // Preconditions pass through nginx untouched, and the gateway's answer to them comes back: a write naming the ETag
        // it read stores; one naming a tag that has changed since is refused, and the record keeps the first write.
        // PUTs are sent again if nginx closed their keep-alive connection as they went out, as HTTP allows (README, The API).
        const string path = "/customers/Front%20Door%20Conditional";
        using var careful = new HttpClient(new ResendOnClosedIdleConnection()) { BaseAddress = state.Stack.Ports.EdgeUrl, Timeout = TimeSpan.FromSeconds(15) };
        using var created = await ConditionalPut(careful, path, "Provo", "If-None-Match", "*");
        Assert.Equal(System.Net.HttpStatusCode.OK, created.StatusCode);
        using var read = await state.Front.GetAsync(path);
        var etag = read.Headers.ETag!.ToString();
        using var stored = await ConditionalPut(careful, path, "Ogden", "If-Match", etag);
        Assert.Equal(System.Net.HttpStatusCode.OK, stored.StatusCode);
        using var refused = await ConditionalPut(careful, path, "Logan", "If-Match", etag);
        Assert.Equal(System.Net.HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Ogden", (await state.Front.GetFromJsonAsync<CustomerRecord>(path, Json))!.Location);

        // HEAD through nginx and Kestrel: the headers of a GET, no body.
        using var current = await state.Front.GetAsync(path);
        using var head = await state.Front.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(System.Net.HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(current.Headers.ETag, head.Headers.ETag);
        Assert.Equal((await current.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    });

    private static Task<HttpResponseMessage> ConditionalPut(HttpClient client, string path, string location, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { location }, options: Json) };
        request.Headers.TryAddWithoutValidation(header, value);
        return client.SendAsync(request);
    }

    [Fact]
    [Step(2)]
    public Task One_requests_trace_runs_from_the_gateway_into_a_silo_and_the_viewer_shows_it() => state.Step(2, async () =>
    {
        state.Needs(1, "the stack up");
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/customers/ACME%20Corporation");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await state.Front.SendAsync(request);
        response.EnsureSuccessStatusCode();

        // Read back through the viewer's own telemetry API, with its key: what a person sees on its Traces page.
        using var viewer = new HttpClient { BaseAddress = state.Stack.Ports.ViewerUrl, Timeout = TimeSpan.FromSeconds(10) };
        viewer.DefaultRequestHeaders.Add("x-api-key", state.Stack.Secret(StackTopology.ViewerApiKeySecret));
        var spans = await Eventually.Holds(() => ViewerSpans(viewer, traceId),
            s => s.Any(x => x.Service == "autopilot-gateway" && x.Scope == "Microsoft.AspNetCore") && s.Any(x => x.Service == "autopilot-silo"), Generous,
            "the viewer holds the request's spans from the gateway and the silo");
        var http = Assert.Single(spans, x => x.Service == "autopilot-gateway" && x.Scope == "Microsoft.AspNetCore");
        var call = Assert.Single(spans, x => x.Service == "autopilot-gateway" && x.Kind == ClientSpan && x.Parent == http.Id);
        var handled = Assert.Single(spans, x => x.Service == "autopilot-silo" && x.Kind == ServerSpan && x.Parent == call.Id);
        Assert.Contains("ICustomerGrain", handled.Name, StringComparison.Ordinal);

        // Traces begin where requests enter. A silo starts none of its own (the unsampled requests' grain calls, probes and
        // timers once began a trace each, one in a hundred kept: most of what the viewer held), and neither a host's own
        // endpoints nor its HTTP calls outside a request (Consul's polling) record one. The stack has run its probes, its
        // watches and the story's requests for a while by now.
        using var all = await viewer.GetAsync("/api/telemetry/traces?limit=1000");
        all.EnsureSuccessStatusCode();
        using var list = JsonDocument.Parse(await all.Content.ReadAsStringAsync());
        var held = SpansOf(list);
        Assert.Contains(held, x => x.Service == "autopilot-silo");
        Assert.DoesNotContain(held, x => x.Service == "autopilot-silo" && string.IsNullOrEmpty(x.Parent));
        Assert.DoesNotContain(held, x => x.Scope == "System.Net.Http" && string.IsNullOrEmpty(x.Parent));
        Assert.DoesNotContain(held, x => x.Scope == "Microsoft.AspNetCore" && (x.Name.Contains("/health", StringComparison.Ordinal) || x.Name.Contains("/metrics", StringComparison.Ordinal)));
    });

    [Fact]
    [Step(3)]
    public Task Strangers_are_refused_Redis_asks_for_its_password_Consul_takes_no_registration_without_its_roles_token_the_front_door_hides_the_internals() => state.Step(3, async () =>
    {
        state.Needs(1, "the stack up");

        // A rogue gateway: with no token, or with another role's, Consul refuses it, and nginx's upstream never lists it.
        using var anonymous = new HttpClient { BaseAddress = state.Stack.ConsulAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var asSilo = new HttpClient { BaseAddress = state.Stack.ConsulAddress, Timeout = TimeSpan.FromSeconds(5) };
        asSilo.DefaultRequestHeaders.Add("X-Consul-Token", state.Stack.Secret(StackTopology.ConsulTokenSecret("silo")));
        var rogue = new { ID = "rogue-gateway", Name = "gateway", Address = "127.0.0.1", Port = 1 };
        foreach (var client in new[] { anonymous, asSilo })
        {
            using var refused = await client.PutAsJsonAsync("/v1/agent/service/register", rogue);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var kv = await anonymous.PutAsync("/v1/kv/orleans/rogue", new StringContent("x"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, kv.StatusCode);
        // As the operator sees it (the management token): the gateway service holds the stack's gateways only.
        var gateways = await state.Consul.GetFromJsonAsync<JsonElement[]>("/v1/health/service/gateway") ?? [];
        Assert.NotEmpty(gateways);
        Assert.DoesNotContain(gateways, g => g.GetProperty("Service").GetProperty("ID").GetString() == rogue.ID);
        var upstream = await File.ReadAllTextAsync(Path.Combine(state.Stack.Run, "edge", "gateways.conf"));
        Assert.Contains($"server 127.0.0.1:{state.Stack.Ports.GatewayHttp(1)} ", upstream, StringComparison.Ordinal);
        Assert.DoesNotContain("server 127.0.0.1:1 ", upstream, StringComparison.Ordinal);

        // The front door serves the product, not the gateways' internals.
        foreach (var path in new[] { "/metrics", "/dashboard/index.html", "/openapi/v1.json", "/health/ready" })
        {
            using var hidden = await state.Front.GetAsync(path);
            Assert.True(hidden.StatusCode == System.Net.HttpStatusCode.NotFound, $"GET {path} through the front door answered {(int)hidden.StatusCode}");
            Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
        }

        // ...which the gateway serves on its own port (the admin listener: loopback here).
        using var admin = new HttpClient { BaseAddress = StackPorts.Loopback(state.Stack.Ports.GatewayHttp(1)), Timeout = TimeSpan.FromSeconds(5) };
        using var metrics = await admin.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, metrics.StatusCode);

        using var redis = new System.Net.Sockets.TcpClient();
        await redis.ConnectAsync("127.0.0.1", state.Stack.Ports.Redis);
        var stream = redis.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var answer = new byte[128];
        var read = await stream.ReadAsync(answer);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
    });

    [Fact]
    [Step(4)]
    public Task Scaled_gateways_are_exactly_the_upstream_nginx_renders_from_Consul() => state.Step(4, async () =>
    {
        state.Needs(1, "the stack up");
        await state.Stack.Invoke(Generous, "scale", "gateway=3");
        await Eventually.Holds(() => UpstreamMatchesConsul(), same => same.Nginx.Count == 3 && same.Nginx.SetEquals(same.Consul), Generous,
            "nginx's upstream lists the three passing gateways");
        await state.Stack.Invoke(Generous, "scale", "gateway=2");
        var two = await Eventually.Holds(() => UpstreamMatchesConsul(), same => same.Nginx.Count == 2 && same.Nginx.SetEquals(same.Consul), Generous,
            "nginx's upstream lists the two passing gateways");
        Assert.DoesNotContain(state.Stack.GatewayPort(3), two.Nginx);
    });

    [Fact]
    [Step(5)]
    public Task A_third_silo_joins_takes_a_fair_share_of_2000_customers_and_Prometheus_scrapes_it() => state.Step(5, async () =>
    {
        state.Needs(1, "the stack up");
        await Seeding.Customers("stack", state.Front, state.Names, name => $"City of {name}", inFlight: 16);
        await state.Stack.Invoke(Generous, "scale", "silo=3");
        using var prometheus = new HttpClient { BaseAddress = state.Stack.Ports.PrometheusUrl, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.Holds(() => prometheus.GetFromJsonAsync<JsonElement>("/api/v1/targets?state=active"),
            targets => targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                .Count(t => t.GetProperty("labels").GetProperty("service").GetString() == "silo" && t.GetProperty("health").GetString() == "up") == 3,
            TimeSpan.FromSeconds(30), "Prometheus finds the three silos through Consul and scrapes them");
        var spread = await Eventually.Holds(() => state.Front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json)!, Balanced, TimeSpan.FromMinutes(4),
            "the activations spread over three silos: each at least a fifth, none more than half");
        Assert.Equal(3, spread!.Active.Count());
    });

    [Fact]
    [Step(6)]
    public Task A_clean_stop_of_a_silo_fails_no_request() => state.Step(6, async () =>
    {
        state.Needs(5, "three silos holding the customers");
        var loop = state.StartLoop();
        await loop.AfterMore(200);
        var beforeStop = loop.Now;
        await state.Stack.Invoke(Generous, "stop", "silo", "3");
        await loop.AfterMore(300);
        NoFailures(loop, beforeStop, "the stop");
    });

    [Fact]
    [Step(7)]
    public Task After_a_silo_is_killed_requests_recover_and_no_acknowledged_write_is_lost() => state.Step(7, async () =>
    {
        state.Needs(5, "the customers stored");
        var loop = state.Loop ?? state.StartLoop();
        var requestsAtKill = loop.Requests;
        await state.Stack.Invoke(Generous, "kill", "silo", "2");
        // The loop is sequential: a request the crash left hanging holds it until it fails, so recovery means fifty
        // requests done since the kill, and none failing for five seconds.
        await Eventually.Holds(() => Task.FromResult((Now: loop.Now, Last: loop.LastFailure(), Done: loop.Requests - requestsAtKill)),
            s => s.Done >= 50 && (s.Last is null || s.Now - s.Last > TimeSpan.FromSeconds(5)),
            Generous, "requests succeed again for five seconds in a row after the kill");
        var afterRecovery = loop.Now;
        await loop.AfterMore(200);
        NoFailures(loop, afterRecovery, "the recovery");
        await Parallel.ForEachAsync(state.Names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, token) =>
        {
            var row = await state.Front.GetFromJsonAsync<CustomerRecord>($"/customers/{Uri.EscapeDataString(name)}", Json, token);
            Assert.Equal($"City of {name}", row!.Location);
        });
    });

    [Fact]
    [Step(8)]
    public Task Consul_restarts_under_load_the_cluster_keeps_serving_and_every_registration_returns() => state.Step(8, async () =>
    {
        state.Needs(7, "silo-1 the only silo left");
        var loop = state.Loop ?? state.StartLoop();
        var hosts = state.Stack.Running("silo").Concat(state.Stack.Running("gateway")).Append("edge")
            .ToDictionary(name => name, name => state.Stack.Pid(name)).Where(host => Directory.Exists($"/proc/{host.Value}")).ToList();
        Assert.True(hosts.Count == 4, $"silo-1, two gateways and the edge run before the restart, not {string.Join(", ", hosts.Select(h => h.Key))}");
        var beforeRestart = loop.Now;
        await state.Stack.Invoke(Generous, "restart", "consul");
        await Eventually.Holds(() => PassingPorts("gateway"), ports => ports.Count == 2, Generous, "both gateways are registered and passing again");
        await Eventually.Holds(() => PassingPorts("silo"), ports => ports.SetEquals([state.Stack.SiloPort(1)]), Generous, "the surviving silo is registered and passing again");
        await Eventually.Holds(() => PassingPorts("edge"), ports => ports.SetEquals([state.Stack.EdgePort]), Generous, "the edge is registered and passing again");
        // /cluster reads the membership from Consul, and answers 503 (try again) while the restarted server settles; a run
        // that reached it within a second of the registrations passing again saw one. The request loop's reads must not fail.
        var cluster = await Eventually.Holds(() => state.Front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json), c => c is not null, Generous, "/cluster answers after the restart");
        Assert.Equal(["silo-1"], cluster!.Active.ToList());
        await loop.AfterMore(300);
        NoFailures(loop, beforeRestart, "the restart");

        // A restarted Consul server answers "ACL not found" for recent tokens until it has a leader: that is an outage to
        // every host, not bad configuration. No host ended (each keeps its pid), and each still keeps its registration:
        // one the agent forgets now comes back by itself.
        Assert.All(hosts, host => Assert.True(host.Value == state.Stack.Pid(host.Key) && Directory.Exists($"/proc/{host.Value}"), $"{host.Key} ended over the restart: {string.Join('\n', File.ReadLines(Path.Combine(state.Stack.Run, "logs", $"{host.Key}.log")).TakeLast(20))}"));
        var gatewayIds = (await state.Consul.GetFromJsonAsync<Dictionary<string, JsonElement>>("/v1/agent/services"))!
            .Where(s => s.Value.GetProperty("Service").GetString() == "gateway").Select(s => s.Key).ToList();
        (await state.Consul.PutAsync($"/v1/agent/service/deregister/{Uri.EscapeDataString(gatewayIds[0])}", null)).EnsureSuccessStatusCode();
        await Eventually.Holds(() => PassingPorts("gateway"), ports => ports.Count == 2, Generous, $"{gatewayIds[0]}, forgotten by the agent after the restart, registers again");
    });

    [Fact]
    [Step(9)]
    public Task Down_leaves_no_process_no_port_and_no_registration_in_Consuls_data() => state.Step(9, async () =>
    {
        state.Needs(1, "the stack up");
        await state.StopLoop();
        var pids = Directory.GetFiles(Path.Combine(state.Stack.Run, "pids"), "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await state.Stack.Invoke(TimeSpan.FromMinutes(3), "down");
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"process {pid} outlived down"));
        Assert.Empty(Directory.GetFiles(Path.Combine(state.Stack.Run, "pids"), "*.pid"));
        await Assert.ThrowsAsync<HttpRequestException>(() => state.Front.GetAsync("/health"));
        await using var restarted = await ConsulOnDataDirectory(state.Stack);
        var services = await state.Consul.GetFromJsonAsync<Dictionary<string, JsonElement>>("/v1/agent/services");
        Assert.Empty(services!);
    });

    private Task<(HashSet<int> Nginx, HashSet<int> Consul)> UpstreamMatchesConsul() => UpstreamMatchesConsul(state.Stack, state.Consul);

    private Task<HashSet<int>> PassingPorts(string service) => PassingPorts(state.Consul, service);

    /// <summary>The story's stack, its clients and its customers, and the request loop that runs through steps 5 to 7.</summary>
    // OTLP's span kinds.
    private const int ServerSpan = 2;
    private const int ClientSpan = 3;

    /// <summary>A trace's spans as the viewer's telemetry API gives them (OTLP JSON), or none while it has not got them.</summary>
    private static async Task<IReadOnlyList<ViewerSpan>> ViewerSpans(HttpClient viewer, string traceId)
    {
        using var response = await viewer.GetAsync($"/api/telemetry/traces/{traceId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using var trace = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return SpansOf(trace);
    }

    /// <summary>The spans of one trace or of a list of them, as the viewer's telemetry API gives them (OTLP JSON).</summary>
    private static IReadOnlyList<ViewerSpan> SpansOf(JsonDocument trace) =>
        [.. trace.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray().SelectMany(resource =>
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Single(a => a.GetProperty("key").GetString() == "service.name").GetProperty("value").GetProperty("stringValue").GetString();
            return resource.GetProperty("scopeSpans").EnumerateArray().SelectMany(scope => scope.GetProperty("spans").EnumerateArray().Select(span => new ViewerSpan(
                service!, scope.GetProperty("scope").GetProperty("name").GetString()!, span.GetProperty("name").GetString()!, span.GetProperty("kind").GetInt32(),
                span.GetProperty("spanId").GetString()!, span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null)));
        })];

    private sealed record ViewerSpan(string Service, string Scope, string Name, int Kind, string Id, string? Parent);

    public sealed class State : LoopStory, IAsyncLifetime
    {
        public State()
        {
            Consul = Stack.ConsulClient();
            Front = new HttpClient { BaseAddress = Stack.Ports.EdgeUrl, Timeout = TimeSpan.FromSeconds(15) };
        }

        public StackCommand Stack { get; } = new();

        public HttpClient Consul { get; }

        public HttpClient Front { get; }

        public IReadOnlyList<string> Names { get; } = [.. Enumerable.Range(1, Customers).Select(i => $"Stack Co {i}")];

        public RequestLoop StartLoop() => Loop = new RequestLoop(Stack.Ports.EdgeUrl, [.. Names.Select(n => $"/customers/{Uri.EscapeDataString(n)}")]);

        public Task InitializeAsync() => Task.CompletedTask;

        // IAsyncLifetime, not IAsyncDisposable: xunit 2 never calls the latter on a fixture, so the story's stack outlived it.
        public async Task DisposeAsync()
        {
            await StopLoop();
            Consul.Dispose();
            Front.Dispose();
            await Stack.DisposeAsync();
        }
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
