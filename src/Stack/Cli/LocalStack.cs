using System.Net.Sockets;
using System.Text.Json;
using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Stack.Cli;

/// <summary>One local stack: its run folder, its model, its processes, and the steps the verbs share.</summary>
internal sealed class LocalStack : IDisposable
{
    /// <summary>How long a host (silo, gateway, edge) may take to be ready after it starts.</summary>
    public static readonly TimeSpan HostStartLimit = TimeSpan.FromMinutes(2);

    /// <summary>How long the supporting parts (Consul, Redis, Prometheus, the viewer) may take.</summary>
    public static readonly TimeSpan StoreStartLimit = TimeSpan.FromMinutes(1);

    public LocalStack(Repository repository, RunFolder run)
    {
        Repository = repository;
        Run = run;
        Processes = new PartProcesses(run);
        Probe = new ReadinessProbe(Processes);
    }

    public Repository Repository { get; }

    public RunFolder Run { get; }

    public PartProcesses Processes { get; }

    public ReadinessProbe Probe { get; }

    /// <summary>What <c>up</c> chose, or null if no stack was ever started from this run folder.</summary>
    public StackState? State => File.Exists(Run.StackFile)
        ? JsonSerializer.Deserialize(File.ReadAllText(Run.StackFile), StackJsonContext.Default.StackState)
        : null;

    public StackState RequireState() => State ?? throw new StackException("the stack is not up; run ./autopilot up");

    public void Save(StackState state)
    {
        Directory.CreateDirectory(Run.Root);
        File.WriteAllText(Run.StackFile, JsonSerializer.Serialize(state, StackJsonContext.Default.StackState));
    }

    /// <summary>
    /// <c>AUTOPILOT_HOSTS=build</c>: run the hosts from the repository's Release build (<c>./autopilot test</c> has just built
    /// it) instead of publishing them into the run folder; the system tests that are not about <c>up</c>'s build use it.
    /// </summary>
    public const string HostsVariable = "AUTOPILOT_HOSTS";

    public bool FromBuildOutput => Environment.GetEnvironmentVariable(HostsVariable) == "build";

    /// <summary>The model of the stack with <paramref name="ports"/>, its hosts published in the run folder (or the build's output).</summary>
    public StackTopology Topology(StackPorts ports, string consul) => new(ports, Run, Binaries(consul)) { OrleansTls = !PlaintextOrleans };

    /// <summary><c>AUTOPILOT_ORLEANS_TLS=off</c>: silos and gateways without TLS, for the bench's side-by-side measure of its cost.</summary>
    public const string OrleansTlsVariable = "AUTOPILOT_ORLEANS_TLS";

    public static bool PlaintextOrleans => Environment.GetEnvironmentVariable(OrleansTlsVariable) == "off";

    public HostBinaries Binaries(string consul) =>
        FromBuildOutput ? new HostBinaries(Repository.Root, Published: false, consul) : new HostBinaries(Run.Publish, Published: true, consul);

    /// <summary>Publishes the hosts of <paramref name="roles"/> unless they are there already (<paramref name="always"/>: publish anew).</summary>
    public async Task EnsureHosts(bool always, params HostRole[] roles)
    {
        var binaries = Binaries("");
        if (FromBuildOutput)
        {
            if (roles.FirstOrDefault(role => !File.Exists(binaries.Dll(role))) is { } missing)
            {
                throw new StackException($"{HostsVariable}=build, but {binaries.Dll(missing)} is missing: build the solution (Release) first");
            }

            return;
        }

        if (always || !roles.All(role => File.Exists(binaries.Dll(role))))
        {
            await Repository.Publish(Run, roles);
        }
    }

    /// <summary>Starts <paramref name="part"/> once its ports are free, after what it needs on disk is in place.</summary>
    public async Task Start(PartSpec part, StackTopology topology)
    {
        foreach (var port in part.Ports)
        {
            await NeedPort(port, part.Name);
        }

        switch (part.Kind)
        {
            case PartKind.Consul:
                Directory.CreateDirectory(Path.Combine(Run.Data("consul"), "data"));
                // ACLs on, default deny; the master token reaches Consul in a file only this user reads.
                var master = (await File.ReadAllTextAsync(Secrets.Ensure(Run, StackTopology.ConsulTokenSecret("master")))).Trim();
                Secrets.WritePrivate(topology.ConsulAclConfig, Secrets.ConsulAclConfig(master));
                break;
            case PartKind.Redis:
                Directory.CreateDirectory(Run.Data("redis"));
                // The password reaches Redis in a file only this user reads, never on its command line.
                var password = await File.ReadAllTextAsync(Secrets.Ensure(Run, StackTopology.RedisPasswordSecret));
                Secrets.WritePrivate(topology.RedisConfig, $"requirepass {password.Trim()}\n");
                break;
            case PartKind.Prometheus:
                Directory.CreateDirectory(Path.Combine(Run.Data("prometheus"), "data"));
                // The compose file's configuration, aimed at this stack's edge instead of the container named edge.
                var config = await File.ReadAllTextAsync(Repository.At("deploy", "prometheus", "prometheus.yml"));
                await File.WriteAllTextAsync(topology.PrometheusConfig, config.Replace("http://edge:8070/", topology.Ports.EdgeStatusUrl.ToString(), StringComparison.Ordinal));
                break;
            case PartKind.Viewer:
                Directory.CreateDirectory(Run.Data("viewer"));
                Secrets.WritePrivate(topology.ViewerConfig, Secrets.ViewerConfig(
                    Secret(StackTopology.ViewerBrowserTokenSecret), Secret(StackTopology.ViewerOtlpKeySecret), Secret(StackTopology.ViewerApiKeySecret)));
                break;
        }

        // A host presents the viewer's OTLP key in its environment (readable by this user alone), never on its command line.
        var secrets = part.Environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
            ? new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={Secret(StackTopology.ViewerOtlpKeySecret)}" }
            : null;
        await Processes.Start(part, secrets);
    }

    /// <summary>The viewer's page, with the login token in its address (the Aspire dashboard's own way of saying where to log in).</summary>
    public string ViewerLogin(StackTopology topology) => $"{new Uri(topology.Ports.ViewerUrl, "login")}?t={Secret(StackTopology.ViewerBrowserTokenSecret)}";

    /// <summary>The run folder's secret <paramref name="name"/> (made if absent).</summary>
    public string Secret(string name) => File.ReadAllText(Secrets.Ensure(Run, name)).Trim();

    /// <summary>Until <paramref name="part"/> serves; for Consul, until its ACLs are in place too (<see cref="ConsulAcl"/>).</summary>
    public async Task WaitReady(PartSpec part, StackTopology topology)
    {
        await Probe.WaitReady(part, part.Supporting ? StoreStartLimit : HostStartLimit);
        if (part.Kind == PartKind.Consul)
        {
            await ConsulAcl.Bootstrap(Repository, topology);
        }
    }

    /// <summary>A client of the stack's Consul with the management token, for the verbs that read or clean its catalog.</summary>
    public static ServiceProvider ConsulClientFor(StackTopology topology) =>
        new ServiceCollection().AddConsulClient(o =>
        {
            o.Address = topology.Ports.ConsulUrl.ToString();
            o.TokenFile = File.Exists(topology.ConsulMasterToken) ? topology.ConsulMasterToken : null;
        }).BuildServiceProvider();

    /// <summary>The edge's upstream holds exactly <paramref name="gateways"/> gateways.</summary>
    public Task WaitUpstream(StackTopology topology, int gateways) => Probe.WaitUntil(topology.Edge.Name, TimeSpan.FromSeconds(60), async () =>
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            using var snapshot = JsonDocument.Parse(await http.GetStringAsync(new Uri(topology.Ports.EdgeStatusUrl, "upstreams")));
            return snapshot.RootElement.GetProperty("gateways").GetArrayLength() == gateways;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return false;
        }
    }, $"following {gateways} gateway(s) in nginx's upstream");

    /// <summary>A process killed a moment ago may hold its ports as it exits: wait up to 10 s before giving up.</summary>
    public static async Task NeedPort(int port, string what)
    {
        for (var waited = 0; InUse(port); waited++)
        {
            if (waited >= 40)
            {
                throw new StackException($"port {port} on 127.0.0.1 is taken (wanted for {what}); stop what uses it, or choose --base-port / --port");
            }

            await Task.Delay(250);
        }
    }

    public void Dispose() => Probe.Dispose();

    private static bool InUse(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException e) when (e.InnerException is SocketException)
        {
            return false;
        }
    }
}
