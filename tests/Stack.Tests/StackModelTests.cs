using Autopilot.Stack.Model;

namespace Autopilot.Stack.Tests;

/// <summary>The local stack's model: one port map without collisions, parts found by name, the settings each host is given.</summary>
[Trait("Category", "unit")]
public sealed class StackModelTests
{
    private static readonly StackTopology Model = new(new StackPorts(20000, 8080), new RunFolder("/tmp/autopilot-model"), new HostBinaries("/published", Published: true, "/tools/consul"));

    [Fact]
    public void Every_port_of_a_full_stack_is_distinct_and_inside_the_span()
    {
        var ports = Model.Parts(StackPorts.MaxInstances, StackPorts.MaxInstances).SelectMany(p => p.Ports).Where(p => p != Model.Ports.Edge).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, p => Assert.InRange(p, Model.Ports.Base, Model.Ports.Base + StackPorts.Span - 1));
    }

    [Fact]
    public void Instances_outside_the_map_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.Silo(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Model.Gateway(StackPorts.MaxInstances + 1));
        Assert.Null(Model.Find("silo-100"));
        Assert.Null(Model.Find("silo-x"));
    }

    [Theory]
    [InlineData("consul", PartKind.Consul)]
    [InlineData("redis", PartKind.Redis)]
    [InlineData("prometheus", PartKind.Prometheus)]
    [InlineData("viewer", PartKind.Viewer)]
    [InlineData("silo-7", PartKind.Silo)]
    [InlineData("gateway-12", PartKind.Gateway)]
    [InlineData("edge", PartKind.Edge)]
    public void A_part_is_found_by_its_name(string name, PartKind kind)
    {
        var part = Model.Find(name);

        Assert.Equal((name, kind), (part!.Name, part.Kind));
    }

    [Fact]
    public void A_silo_is_given_the_cluster_its_stores_and_ports_of_its_own_as_configuration()
    {
        var silo = Model.Silo(3);

        Assert.Equal(
            [
                "--Consul:Address=http://127.0.0.1:20000/", "--Orleans:ClusterId=autopilot", "--Storage:Redis=127.0.0.1:20004",
                "--Storage:RedisPasswordFile=/tmp/autopilot-model/secrets/redis.password",
                "--Consul:TokenFile=/tmp/autopilot-model/secrets/consul-silo.token",
                "--Tls:CertificateFile=/tmp/autopilot-model/secrets/silo.pfx", "--Tls:CaFile=/tmp/autopilot-model/secrets/cluster-ca.crt",
                "--Orleans:Name=silo-3", "--Orleans:Endpoints:AdvertisedIPAddress=127.0.0.1", "--Orleans:Endpoints:SiloPort=20103",
                "--Orleans:Endpoints:GatewayPort=20203", "--urls=http://127.0.0.1:20303",
            ],
            silo.Arguments.Skip(1));
        Assert.Equal("/published/silo/Autopilot.Silo.dll", silo.Arguments[0]);
        Assert.Equal(new Uri("http://127.0.0.1:20303/health/ready"), silo.Ready.Url);
        Assert.Equal([PartKind.Consul, PartKind.Redis], silo.DependsOn);
    }

    [Fact]
    public void Parts_start_stores_first_hosts_next_and_the_front_door_last()
    {
        Assert.Equal(
            ["consul", "redis", "prometheus", "viewer", "silo-1", "silo-2", "gateway-1", "edge"],
            Model.Parts(silos: 2, gateways: 1).Select(p => p.Name));
    }

    [Fact]
    public void Every_host_sends_its_telemetry_to_the_viewer_sampled_and_no_secret_is_written_in_the_model()
    {
        var hosts = Model.Parts(silos: 2, gateways: 2).Where(p => p.Kind is PartKind.Silo or PartKind.Gateway or PartKind.Edge).ToList();

        Assert.Equal(5, hosts.Count);
        Assert.All(hosts, host =>
        {
            Assert.Equal($"http://127.0.0.1:{Model.Ports.ViewerOtlpHttp}", host.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            Assert.Equal("parentbased_traceidratio", host.Environment["OTEL_TRACES_SAMPLER"]);
            Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", host.Environment.Keys);
        });
        Assert.Contains(Model.Ports.ViewerOtlpHttp, Model.Viewer.Ports);
        Assert.Contains($"--ASPIRE_DASHBOARD_CONFIG_FILE_PATH={Model.ViewerConfig}", Model.Viewer.Arguments);
        Assert.DoesNotContain(Model.Viewer.Arguments, a => a.Contains("Key", StringComparison.OrdinalIgnoreCase) || a.Contains("Token", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_port_map_is_printed_as_name_equals_port()
    {
        var map = new StackPorts(15000, 15500).Describe().ToList();

        Assert.Contains("edge=15500", map);
        Assert.Contains("consul_http=15000", map);
        Assert.Contains("silo_http=15300+i", map);
        Assert.Contains("gateway_http=15400+j", map);
        Assert.Contains("viewer=15007", map);
    }

    [Theory]
    [InlineData(1023, 8080)]
    [InlineData(65100, 8080)]
    [InlineData(20000, 0)]
    public void A_port_map_out_of_range_is_refused_with_one_sentence(int basePort, int edge)
    {
        var error = Assert.Throws<ArgumentException>(() => new StackPorts(basePort, edge).Validated());

        Assert.Matches("^--(base-port|port) must be between", error.Message);
    }
}
