using System.Net.Http.Json;

namespace Autopilot.Testing;

/// <summary>
/// A real <c>consul agent -dev</c> (or a one-node server with a data folder) on free loopback ports, installed by the repository's own script. The reaper
/// runs every second so that DeregisterCriticalServiceAfter is observable within a test's bounded wait.
/// </summary>
public sealed class ConsulAgent : IAsyncDisposable
{
    private static readonly Lazy<string> Binary = new(() =>
    {
        try
        {
            return Repo.RunScript("scripts/install-consul.sh", TimeSpan.FromMinutes(5));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"These tests need a real Consul agent, and scripts/install-consul.sh could not provide one: {e.Message}", e);
        }
    });

    private readonly string[] arguments;
    private readonly string logDirectory;
    private ChildProcess? process;
    private int starts;

    private ConsulAgent(string? extraHcl, bool persistent)
    {
        HttpPort = TestPorts.Next();
        logDirectory = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"consul-{HttpPort}");
        var hcl = "check_reap_interval = \"1s\"\ncheck_update_interval = \"0s\"\n" + (extraHcl ?? "");
        string[] mode = persistent
            ? ["-server", "-bootstrap-expect=1", "-data-dir", Path.Combine(logDirectory, "data")]
            : ["-dev"];
        arguments =
        [
            "agent", .. mode, "-node", $"test-{HttpPort}", "-bind", "127.0.0.1", "-client", "127.0.0.1",
            "-http-port", $"{HttpPort}", "-dns-port", "-1", "-grpc-port", "-1",
            "-server-port", $"{TestPorts.Next()}", "-serf-lan-port", $"{TestPorts.Next()}", "-serf-wan-port", $"{TestPorts.Next()}",
            "-hcl", hcl, "-log-level", "warn",
        ];
    }

    public int HttpPort { get; }

    public Uri Address => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>
    /// Starts an agent; if one of its ports was taken meanwhile, again on new ports. A <paramref name="persistent"/> one is a
    /// one-node server with a data folder instead of a dev agent: after a restart it holds what it held (its services too).
    /// </summary>
    public static Task<ConsulAgent> StartAsync(string? extraHcl = null, bool persistent = false) => TestPorts.Retry(async () =>
    {
        var agent = new ConsulAgent(extraHcl, persistent);
        try
        {
            await agent.StartProcessAsync();
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }

        return agent;
    });

    /// <summary>Stops the agent and starts it again on the same ports: a dev agent comes back empty, as after losing its state; a persistent one with its state.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.StopAsync(TimeSpan.FromSeconds(10));
            await process.DisposeAsync();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartProcessAsync()
    {
        process = ChildProcess.Start($"consul-{HttpPort}-{++starts}", Binary.Value, arguments, logDirectory);
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                var tail = process.Tail();
                throw TestPorts.SaysInUse(tail)
                    ? new PortInUseException($"The Consul agent could not bind a port.\n{tail}")
                    : new InvalidOperationException($"The Consul agent exited at start.\n{tail}");
            }

            try
            {
                if (!string.IsNullOrEmpty(await http.GetFromJsonAsync<string>("/v1/status/leader")))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The Consul agent elected no leader within 60 s.\n{process.Tail()}");
            }

            await Task.Delay(100);
        }
    }
}
