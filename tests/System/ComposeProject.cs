using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// One docker-compose project of deploy/docker-compose.yml under a name and a published port of its own; whatever it
/// leaves up, <see cref="DisposeAsync"/> takes down with its volumes.
/// </summary>
internal sealed class ComposeProject : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name { get; } = $"aptest{Guid.NewGuid():N}"[..16];

    public int Port { get; } = TestPorts.Next();

    public int PrometheusPort { get; } = TestPorts.Next();

    public Dictionary<string, string> Environment => new() { ["AUTOPILOT_PORT"] = $"{Port}", ["PROMETHEUS_PORT"] = $"{PrometheusPort}" };

    public Uri Front => new($"http://127.0.0.1:{Port}");

    public Task<string> Compose(TimeSpan timeout, params string[] arguments) =>
        Command.Run("/usr/bin/docker-compose", ["-p", Name, "-f", Path.Combine(Repo.Root, "deploy", "docker-compose.yml"), .. arguments], timeout, Environment);

    /// <summary>The ids of the project's containers of <paramref name="service"/> that run.</summary>
    public async Task<List<string>> Containers(string service) =>
        [.. (await Compose(TimeSpan.FromMinutes(1), "ps", "-q", service)).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    public async Task<ClusterAnswer> Cluster(HttpClient front) => (await front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json))!;

    public async ValueTask DisposeAsync()
    {
        await Compose(TimeSpan.FromMinutes(3), "down", "-v", "--remove-orphans", "-t", "5");
    }
}
