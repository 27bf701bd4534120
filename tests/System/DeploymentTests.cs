using Autopilot.Stack.Model;
using Autopilot.Testing;
using YamlDotNet.RepresentationModel;

namespace Autopilot.SystemTests;

/// <summary>
/// What the deployment files promise on their face: the compose file is valid and only the edge publishes a port, the base
/// images are build arguments defaulting to the public ones, and each image runs what the local stack runs, as a non-root
/// user with a health check. Running them is ComposeTests' and SwarmTests' part.
/// </summary>
[Trait("Category", "contract")]
public sealed class DeploymentTests
{
    private static readonly string Deploy = Path.Combine(Repo.Root, "deploy");

    [Fact]
    public async Task The_compose_file_is_valid_and_only_the_edge_and_Prometheus_publish_a_port_Prometheus_on_loopback_only()
    {
        var dockerCompose = DebianPackage.Ensure("docker-compose", "/usr/bin/docker-compose");
        var environment = new Dictionary<string, string> { ["AUTOPILOT_PORT"] = "18123", ["PROMETHEUS_PORT"] = "18124" };
        string[] file = ["-f", Path.Combine(Deploy, "docker-compose.yml")];

        var services = (await Command.Run(dockerCompose, [.. file, "config", "--services"], TimeSpan.FromMinutes(2), environment)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var config = await Command.Run(dockerCompose, [.. file, "config"], TimeSpan.FromMinutes(2), environment);

        Assert.Equal(["consul-1", "consul-2", "consul-3", "consul-acl", "edge", "gateway", "prometheus", "redis", "silo"], services.Order());
        Assert.Equal(2, config.Split('\n').Count(line => line.Trim() == "ports:"));
        Assert.Contains("published: 18123", config, StringComparison.Ordinal);
        // Prometheus has no login: docker-compose binds it to the host's loopback alone.
        Assert.Contains("- 127.0.0.1:18124:9090/tcp", config.Split('\n').Select(l => l.Trim()));
    }

    [Fact]
    public void The_compose_file_defaults_to_the_public_images_and_takes_local_ones_from_variables()
    {
        var compose = File.ReadAllText(Path.Combine(Deploy, "docker-compose.yml"));

        foreach (var image in new[] { "${CONSUL_IMAGE:-hashicorp/consul:", "${REDIS_IMAGE:-redis:7}", "${PROMETHEUS_IMAGE:-prom/prometheus:", "${SDK_IMAGE:-mcr.microsoft.com/dotnet/sdk:10.0}", "${RUNTIME_IMAGE:-mcr.microsoft.com/dotnet/aspnet:10.0}" })
        {
            Assert.Contains(image, compose, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("autopilot-base/", compose, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("silo", "Silo")]
    [InlineData("gateway", "Gateway")]
    [InlineData("edge", "Edge")]
    public void Each_image_target_is_non_root_with_a_health_check_and_runs_what_the_local_stack_runs(string target, string project)
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));
        var stage = dockerfile[dockerfile.IndexOf($"AS {target}\n", StringComparison.Ordinal)..].Split("\nFROM ", 2)[0].Split('\n');
        var local = Model.Parts(silos: 1, gateways: 1).Single(p => p.Kind.ToString() == project);

        Assert.Contains("ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER app", stage);
        Assert.Contains(stage, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.Contains("/health/ready", StringComparison.Ordinal));
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"Autopilot.{project}.dll\"]", stage);
        Assert.Equal(("dotnet", $"Autopilot.{project}.dll"), (local.Program, Path.GetFileName(local.ProgramArguments[0])));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    [InlineData("edge")]
    public void The_compose_file_gives_each_host_the_configuration_keys_and_dependencies_of_the_stack_model(string service)
    {
        var compose = new YamlStream();
        compose.Load(new StringReader(File.ReadAllText(Path.Combine(Deploy, "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)compose.Documents[0].RootNode)["services"];
        var model = Model.Parts(silos: 1, gateways: 1).Single(p => p.Kind.ToString().Equals(service, StringComparison.OrdinalIgnoreCase));
        var definition = (YamlMappingNode)services[service];
        var entries = ((YamlMappingNode)definition["environment"]).Children.ToDictionary(e => e.Key.ToString().Replace("__", ":", StringComparison.Ordinal), e => e.Value.ToString());
        // A key with no value is passed through from compose's own environment when the caller sets it, else not set at
        // all: only the edge's per-client limit, which ./autopilot chaos raises (its load comes from one address).
        var environment = entries.Where(e => e.Value.Length > 0).ToDictionary();
        Assert.Equal(service == "edge" ? ["Edge:ConnectionsPerClient"] : [], entries.Where(e => e.Value.Length == 0).Select(e => e.Key));
        var dependsOn = ((YamlSequenceNode)definition["depends_on"]).Children.Select(d => d.ToString());

        // The model's parts, and the one-shot that makes Consul's ACLs (the local stack's command line does that itself);
        // the local stack's one Consul server is three in the compose file (a Raft quorum), and each host names all three.
        Assert.Equal(
            services.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal),
            Enum.GetNames<PartKind>().Select(k => k.ToLowerInvariant()).SelectMany(Compose).Append("consul-acl").Order(StringComparer.Ordinal));
        Assert.Equal(model.Settings.Keys.Order(StringComparer.Ordinal), environment.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(model.DependsOn.Select(k => k.ToString().ToLowerInvariant()).SelectMany(Compose).Order(StringComparer.Ordinal), dependsOn.Order(StringComparer.Ordinal));
        Assert.Equal("http://consul-1:8500,http://consul-2:8500,http://consul-3:8500", environment["Consul:Address"]);
        if (model.Settings.ContainsKey("Orleans:ClusterId"))
        {
            Assert.Equal(StackTopology.ClusterId, environment["Orleans:ClusterId"]);
        }
    }

    // A part of the local stack's model as the compose file names it. The local stack's trace and log viewer has no
    // counterpart there yet: its hosts export over OTLP wherever OTEL_EXPORTER_OTLP_ENDPOINT is set.
    private static IEnumerable<string> Compose(string part) => part switch
    {
        "consul" => ["consul-1", "consul-2", "consul-3"],
        "viewer" => [],
        _ => [part],
    };

    // The local stack's model; only its shape is read here (no process starts).
    private static StackTopology Model { get; } =
        new(StackPorts.Default, new RunFolder(Path.Combine(Path.GetTempPath(), "autopilot-model")), new HostBinaries("/published", Published: true, "consul"));
}
