using System.Globalization;
using Autopilot.Hosting;

namespace Autopilot.Stack.Model;

/// <summary>
/// The local stack as one model: which processes it has, with what arguments and configuration, on which ports, in
/// what order, and how each one tells that it is ready. The command line starts exactly these; the system tests and the
/// bench read the same model; a test checks the compose file against it (same hosts, same configuration keys, same
/// dependencies).
/// </summary>
public sealed class StackTopology(StackPorts ports, RunFolder run, HostBinaries binaries)
{
    /// <summary>The cluster every silo and gateway of the stack joins.</summary>
    public const string ClusterId = ClusterDefaults.Id;

    /// <summary>The embedded mode's one silo: Orleans' default ports, health on 8090.</summary>
    public const int EmbeddedSiloPort = 11111;
    public const int EmbeddedSiloGatewayPort = 30000;
    public const int EmbeddedSiloHttp = 8090;

    public StackPorts Ports { get; } = ports;

    public RunFolder Run { get; } = run;

    public HostBinaries Binaries { get; } = binaries;

    /// <summary>
    /// Whether silos and gateways speak mutual TLS (the default). Off only for the bench's measure of what TLS costs
    /// (<c>AUTOPILOT_ORLEANS_TLS=off</c>, read by the command line), never by a user's <c>up</c>.
    /// </summary>
    public bool OrleansTls { get; init; } = true;

    /// <summary>
    /// A one-node Consul server with a data folder, so that a restart loses no membership row or registration. A check's new
    /// output reaches the catalog at once (<c>check_update_interval</c> 0 s), as in deploy/docker-compose.yml. Raft's timing
    /// is Consul's production setting (<c>raft_multiplier</c> 1, not the default 5): a lone server, with no peer to lose a
    /// leadership to, elected itself 7–9 s after each start with the default, which every <c>up</c> and Consul restart waited.
    /// </summary>
    public PartSpec Consul => new(
        "consul", PartKind.Consul, 0, Binaries.Consul,
        [
            "agent", "-server", "-bootstrap-expect=1", "-node=autopilot", $"-data-dir={Path.Combine(Run.Data("consul"), "data")}",
            "-bind=127.0.0.1", "-client=127.0.0.1", $"-http-port={Ports.ConsulHttp}", "-dns-port=-1", "-grpc-port=-1",
            $"-server-port={Ports.ConsulServer}", $"-serf-lan-port={Ports.ConsulSerfLan}", $"-serf-wan-port={Ports.ConsulSerfWan}",
            "-hcl=check_reap_interval = \"5s\"", "-hcl=check_update_interval = \"0s\"", "-hcl=performance { raft_multiplier = 1 }", $"-config-file={ConsulAclConfig}", "-log-level=warn",
        ],
        Empty, Empty, [Ports.ConsulHttp, Ports.ConsulServer, Ports.ConsulSerfLan, Ports.ConsulSerfWan],
        Readiness.ConsulLeader(Ports.ConsulUrl), []);

    /// <summary>
    /// Redis with every write fsynced before it answers (an acknowledged PUT survives a crash), and a password: its
    /// configuration file (<see cref="RedisConfig"/>, readable by this user alone) holds <c>requirepass</c>.
    /// </summary>
    public PartSpec Redis => new(
        "redis", PartKind.Redis, 0, "redis-server",
        [
            RedisConfig, "--bind", "127.0.0.1", "--port", Text(Ports.Redis), "--dir", Run.Data("redis"), "--appendonly", "yes",
            "--appendfsync", "always", "--save", "", "--daemonize", "no", "--protected-mode", "yes",
        ],
        Empty, Empty, [Ports.Redis], Readiness.RedisPing(Ports.Redis, RedisPassword), []);

    /// <summary>The roles that hold a Consul token of their own, each with its policy in deploy/consul/policies/&lt;role&gt;.hcl.</summary>
    public static readonly IReadOnlyList<string> ConsulRoles = [AgentRole, HostRole.Silo.Name, HostRole.Gateway.Name, HostRole.Edge.Name, "prometheus"];

    public const string AgentRole = "agent";

    /// <summary>The roles with a certificate of the cluster's CA: every silo and gateway speaks mutual TLS.</summary>
    public static readonly IReadOnlyList<string> TlsRoles = [HostRole.Silo.Name, HostRole.Gateway.Name];

    /// <summary>The cluster's CA certificate, a file of the run folder's secrets.</summary>
    public string ClusterCa => Run.Secret("cluster-ca.crt");

    /// <summary>The certificate (PKCS#12, with its key) of <paramref name="role"/>.</summary>
    public string CertificateOf(string role) => Run.Secret($"{role}.pfx");

    /// <summary>The name of the secret that is <paramref name="role"/>'s Consul token.</summary>
    public static string ConsulTokenSecret(string role) => $"consul-{role}.token";

    /// <summary>The management token: Consul's ACL master (the operator's and the command line's own), a secret of the run folder.</summary>
    public string ConsulMasterToken => Run.Secret(ConsulTokenSecret("master"));

    /// <summary>Consul's ACL configuration (default deny, the master token), written from the secret before Consul starts.</summary>
    public string ConsulAclConfig => Path.Combine(Run.Data("consul"), "acl.hcl");

    /// <summary>Redis's password, a secret of the run folder.</summary>
    public string RedisPassword => Run.Secret(RedisPasswordSecret);

    /// <summary>Redis's configuration file: the password, written from <see cref="RedisPassword"/> before Redis starts.</summary>
    public string RedisConfig => Path.Combine(Run.Data("redis"), "auth.conf");

    public const string RedisPasswordSecret = "redis.password";

    /// <summary>Prometheus, finding every silo, gateway and the edge through Consul by way of the edge (deploy/prometheus).</summary>
    public PartSpec Prometheus => new(
        "prometheus", PartKind.Prometheus, 0, "prometheus",
        [
            $"--config.file={PrometheusConfig}", $"--storage.tsdb.path={Path.Combine(Run.Data("prometheus"), "data")}",
            "--storage.tsdb.retention.time=1d", $"--web.listen-address=127.0.0.1:{Ports.Prometheus}", "--log.level=warn",
        ],
        Empty, Empty, [Ports.Prometheus], Readiness.Http(new Uri(Ports.PrometheusUrl, "-/ready")), []);

    /// <summary>Where the local Prometheus's configuration is rendered: deploy/prometheus/prometheus.yml, aimed at the local edge.</summary>
    public string PrometheusConfig => Path.Combine(Run.Data("prometheus"), "prometheus.yml");

    /// <summary>
    /// The trace and log viewer: the standalone Aspire dashboard, taking OTLP over gRPC and HTTP from every host. Its page
    /// asks for a browser token, OTLP for an API key, and its HTTP telemetry API (the system tests read a request's trace
    /// there) for another, all secrets of the run folder, in a configuration file only this user reads (<see cref="ViewerConfig"/>).
    /// It runs at a lower priority (<c>nice</c> 10): under load it yields the cores to the stack and catches up after (the
    /// bench measured it taking half a core from a stack at full load when it ran at the stack's priority).
    /// </summary>
    public PartSpec Viewer => new(
        "viewer", PartKind.Viewer, 0, "nice",
        [
            "-n", "10", HostBinaries.Viewer,
            $"--ASPNETCORE_URLS={Ports.ViewerUrl.ToString().TrimEnd('/')}",
            $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL={StackPorts.Loopback(Ports.ViewerOtlpGrpc).ToString().TrimEnd('/')}",
            $"--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL={ViewerOtlp.ToString().TrimEnd('/')}",
            $"--ASPIRE_DASHBOARD_CONFIG_FILE_PATH={ViewerConfig}",
        ],
        Empty, Empty, [Ports.Viewer, Ports.ViewerOtlpGrpc, Ports.ViewerOtlpHttp], Readiness.Http(new Uri(Ports.ViewerUrl, "health")), []);

    /// <summary>Where the hosts send their traces, logs and metrics: the viewer's OTLP over HTTP.</summary>
    public Uri ViewerOtlp => StackPorts.Loopback(Ports.ViewerOtlpHttp);

    /// <summary>The viewer's configuration: its three secrets, written from the run folder's secrets before it starts.</summary>
    public string ViewerConfig => Path.Combine(Run.Data("viewer"), "viewer.json");

    /// <summary>The secrets of the viewer: the browser's login token, the key OTLP senders present, the key of its telemetry API.</summary>
    public const string ViewerBrowserTokenSecret = "viewer-browser.token";

    public const string ViewerOtlpKeySecret = "viewer-otlp.key";

    public const string ViewerApiKeySecret = "viewer-api.key";

    /// <summary>
    /// The sampling of the hosts' traces: a request that arrives with a sampled <c>traceparent</c> is traced, and one in a
    /// hundred of the rest (OpenTelemetry's <c>OTEL_TRACES_SAMPLER_ARG</c> in the environment of <c>up</c> chooses another
    /// share). One in ten cost the stack 40% of its throughput at full load, most of it in the viewer (bench, <c>cost_tracing</c>).
    /// </summary>
    public const string TraceSampling = "0.01";

    /// <summary>
    /// What every host of the stack is told of the viewer, by OpenTelemetry's standard variables; the key it presents
    /// (<c>OTEL_EXPORTER_OTLP_HEADERS</c>) is added from its secret when the host starts, never written in the model.
    /// </summary>
    public IReadOnlyDictionary<string, string> Telemetry => new Dictionary<string, string>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = ViewerOtlp.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio",
        ["OTEL_TRACES_SAMPLER_ARG"] = TraceSampling,
    };

    public PartSpec Silo(int i) => new(
        $"{HostRole.Silo.Name}-{i}", PartKind.Silo, i, "dotnet", [Binaries.Dll(HostRole.Silo)],
        new Dictionary<string, string>
        {
            ["Consul:Address"] = Ports.ConsulUrl.ToString(),
            ["Orleans:ClusterId"] = ClusterId,
            ["Storage:Redis"] = $"127.0.0.1:{Text(Ports.Redis)}",
            ["Storage:RedisPasswordFile"] = RedisPassword,
            ["Consul:TokenFile"] = Run.Secret(ConsulTokenSecret(HostRole.Silo.Name)),
        }.WithTls(OrleansTls, CertificateOf(HostRole.Silo.Name), ClusterCa),
        new Dictionary<string, string>
        {
            ["Orleans:Name"] = $"{HostRole.Silo.Name}-{i}",
            ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans:Endpoints:SiloPort"] = Text(Ports.SiloPort(i)),
            ["Orleans:Endpoints:GatewayPort"] = Text(Ports.SiloGatewayPort(i)),
            ["urls"] = StackPorts.Loopback(Ports.SiloHttp(i)).ToString().TrimEnd('/'),
        },
        [Ports.SiloPort(i), Ports.SiloGatewayPort(i), Ports.SiloHttp(i)],
        Readiness.Http(new Uri(StackPorts.Loopback(Ports.SiloHttp(i)), "health/ready")),
        [PartKind.Consul, PartKind.Redis])
    { Environment = Telemetry };

    public PartSpec Gateway(int j) => new(
        $"{HostRole.Gateway.Name}-{j}", PartKind.Gateway, j, "dotnet", [Binaries.Dll(HostRole.Gateway)],
        new Dictionary<string, string>
        {
            ["Consul:Address"] = Ports.ConsulUrl.ToString(),
            ["Consul:TokenFile"] = Run.Secret(ConsulTokenSecret(HostRole.Gateway.Name)),
            ["Orleans:ClusterId"] = ClusterId,
        }.WithTls(OrleansTls, CertificateOf(HostRole.Gateway.Name), ClusterCa),
        new Dictionary<string, string> { ["urls"] = StackPorts.Loopback(Ports.GatewayHttp(j)).ToString().TrimEnd('/') },
        [Ports.GatewayHttp(j)],
        Readiness.Http(new Uri(StackPorts.Loopback(Ports.GatewayHttp(j)), "health/ready")),
        [PartKind.Consul])
    { Environment = Telemetry };

    /// <summary>The front door: nginx on <see cref="StackPorts.Edge"/>, its upstream rendered from Consul's passing gateways.</summary>
    public PartSpec Edge => new(
        HostRole.Edge.Name, PartKind.Edge, 0, "dotnet", [Binaries.Dll(HostRole.Edge)],
        new Dictionary<string, string>
        {
            ["Consul:Address"] = Ports.ConsulUrl.ToString(),
            ["Consul:TokenFile"] = Run.Secret(ConsulTokenSecret(HostRole.Edge.Name)),
        },
        new Dictionary<string, string>
        {
            ["Edge:Listen"] = $"127.0.0.1:{Text(Ports.Edge)}",
            ["Edge:RunDirectory"] = Run.Data("edge"),
            ["urls"] = Ports.EdgeStatusUrl.ToString().TrimEnd('/'),
        },
        [Ports.Edge, Ports.EdgeStatus],
        Readiness.Http(new Uri(Ports.EdgeStatusUrl, "health/ready")),
        [PartKind.Consul])
    { Environment = Telemetry };

    /// <summary>The parts of a stack of <paramref name="silos"/> and <paramref name="gateways"/> in the order they start.</summary>
    public IEnumerable<PartSpec> Parts(int silos, int gateways) =>
    [
        Consul, Redis, Prometheus, Viewer,
        .. Enumerable.Range(1, silos).Select(Silo),
        .. Enumerable.Range(1, gateways).Select(Gateway),
        Edge,
    ];

    /// <summary>The part named <paramref name="name"/> (<c>consul</c>, <c>silo-3</c>, ...), or null if the model has none.</summary>
    public PartSpec? Find(string name) => name switch
    {
        "consul" => Consul,
        "redis" => Redis,
        "prometheus" => Prometheus,
        "viewer" => Viewer,
        "edge" => Edge,
        _ when Instance(name, HostRole.Silo) is { } i => Silo(i),
        _ when Instance(name, HostRole.Gateway) is { } j => Gateway(j),
        _ => null,
    };

    /// <summary>The embedded mode's silo: no Consul, localhost clustering, state in memory.</summary>
    public PartSpec EmbeddedSilo => new(
        $"{HostRole.Silo.Name}-1", PartKind.Silo, 1, "dotnet", [Binaries.Dll(HostRole.Silo)], Empty,
        new Dictionary<string, string>
        {
            ["Orleans:Endpoints:SiloPort"] = Text(EmbeddedSiloPort),
            ["Orleans:Endpoints:GatewayPort"] = Text(EmbeddedSiloGatewayPort),
            ["urls"] = StackPorts.Loopback(EmbeddedSiloHttp).ToString().TrimEnd('/'),
        },
        [EmbeddedSiloPort, EmbeddedSiloGatewayPort, EmbeddedSiloHttp],
        Readiness.Http(new Uri(StackPorts.Loopback(EmbeddedSiloHttp), "health/ready")), []);

    /// <summary>The embedded mode's gateway, serving on the front door's port itself.</summary>
    public PartSpec EmbeddedGateway => new(
        $"{HostRole.Gateway.Name}-1", PartKind.Gateway, 1, "dotnet", [Binaries.Dll(HostRole.Gateway)], Empty,
        new Dictionary<string, string> { ["urls"] = Ports.EdgeUrl.ToString().TrimEnd('/') },
        [Ports.Edge], Readiness.Http(new Uri(Ports.EdgeUrl, "health/ready")), [PartKind.Silo]);

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int? Instance(string name, HostRole role) =>
        name.StartsWith($"{role.Name}-", StringComparison.Ordinal) &&
        int.TryParse(name.AsSpan(role.Name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) &&
        i is >= 1 and <= StackPorts.MaxInstances
            ? i
            : null;
}

/// <summary>The TLS keys of a silo's or a gateway's settings.</summary>
internal static class TlsSettings
{
    public static Dictionary<string, string> WithTls(this Dictionary<string, string> settings, bool on, string certificate, string authority)
    {
        if (on)
        {
            settings["Tls:CertificateFile"] = certificate;
            settings["Tls:CaFile"] = authority;
        }

        return settings;
    }
}
