using System.Globalization;

namespace Autopilot.Stack.Model;

/// <summary>
/// The local stack's port map, the one place its ports are written: everything derives from a base port B (the stores,
/// the edge's status and the viewer at B..B+9, each silo and gateway in a hundred of its own) and the front door's port. The map
/// spans <see cref="Span"/> ports; keep it below the kernel's ephemeral range (32768 and up) so no outgoing connection
/// holds one of them.
/// </summary>
public sealed record StackPorts(int Base, int Edge)
{
    public const int DefaultBase = 20000;
    public const int DefaultEdge = 8080;
    public const int Span = 500;

    /// <summary>The most silos, and the most gateways, that the map has room for.</summary>
    public const int MaxInstances = 99;

    public static StackPorts Default { get; } = new(DefaultBase, DefaultEdge);

    public int ConsulHttp => Base;

    public int ConsulServer => Base + 1;

    public int ConsulSerfLan => Base + 2;

    public int ConsulSerfWan => Base + 3;

    public int Redis => Base + 4;

    public int EdgeStatus => Base + 5;

    public int Prometheus => Base + 6;

    /// <summary>The trace and log viewer's page (the Aspire dashboard), its OTLP over gRPC, its OTLP over HTTP.</summary>
    public int Viewer => Base + 7;

    public int ViewerOtlpGrpc => Base + 8;

    public int ViewerOtlpHttp => Base + 9;

    /// <summary>Silo <paramref name="i"/>'s silo-to-silo port.</summary>
    public int SiloPort(int i) => Base + 100 + Instance(i);

    /// <summary>Silo <paramref name="i"/>'s gateway port, where Orleans clients connect.</summary>
    public int SiloGatewayPort(int i) => Base + 200 + Instance(i);

    /// <summary>Silo <paramref name="i"/>'s HTTP port: health, <c>/metrics</c>.</summary>
    public int SiloHttp(int i) => Base + 300 + Instance(i);

    /// <summary>Gateway <paramref name="j"/>'s HTTP port, behind the front door.</summary>
    public int GatewayHttp(int j) => Base + 400 + Instance(j);

    public Uri ConsulUrl => Loopback(ConsulHttp);

    public Uri EdgeUrl => Loopback(Edge);

    public Uri EdgeStatusUrl => Loopback(EdgeStatus);

    public Uri PrometheusUrl => Loopback(Prometheus);

    public Uri ViewerUrl => Loopback(Viewer);

    public static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Checks the two numbers a user chooses; throws <see cref="ArgumentException"/> with one sentence if either is out of range.</summary>
    public StackPorts Validated()
    {
        if (Edge is < 1 or > 65535)
        {
            throw new ArgumentException($"--port must be between 1 and 65535; it is {Edge}");
        }

        if (Base is < 1024 || Base + Span > 65536)
        {
            throw new ArgumentException($"--base-port must be between 1024 and {65536 - Span}; it is {Base}");
        }

        return this;
    }

    /// <summary>The map as <c>./autopilot ports</c> prints it: <c>name=port</c>, or <c>name=first+i</c> for the per-instance ports.</summary>
    public IEnumerable<string> Describe() =>
    [
        $"edge={Edge}", $"edge_status={EdgeStatus}", $"consul_http={ConsulHttp}", $"consul_server={ConsulServer}",
        $"consul_serf_lan={ConsulSerfLan}", $"consul_serf_wan={ConsulSerfWan}", $"redis={Redis}", $"prometheus={Prometheus}",
        $"viewer={Viewer}", $"viewer_otlp_grpc={ViewerOtlpGrpc}", $"viewer_otlp_http={ViewerOtlpHttp}",
        $"silo_port={SiloPort(1) - 1}+i", $"silo_gateway_port={SiloGatewayPort(1) - 1}+i", $"silo_http={SiloHttp(1) - 1}+i",
        $"gateway_http={GatewayHttp(1) - 1}+j",
    ];

    private static int Instance(int i) => i is >= 1 and <= MaxInstances
        ? i
        : throw new ArgumentOutOfRangeException(nameof(i), i, $"instances are numbered 1 to {MaxInstances}");
}
