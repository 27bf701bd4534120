using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Stack.Model;

namespace Autopilot.Bench;

/// <summary>
/// The peer (bench/Autopilot.Peer): two instances of the minimal API over the bench stack's Redis (keys under
/// <c>peer:</c>), behind an nginx of their own with the edge's proxy settings (<c>least_conn</c>, <c>keepalive 64</c>,
/// HTTP/1.1 to the upstream). The edge's nginx also rate-limits per client (set far above the load by the bench); this
/// one does not.
/// </summary>
internal sealed class Peer : IAsyncDisposable
{
    private readonly List<Process> processes = [];
    private Process? nginx;

    private Peer(Uri front) => Front = front;

    public Uri Front { get; }

    /// <summary>The processes serving the peer, for <see cref="Bench.SideBySide"/>'s CPU readings: its instances, its nginx, and the Redis it shares with the stack.</summary>
    public Dictionary<string, int> Processes(Bench bench)
    {
        var named = processes.Select((p, i) => ($"peer-{i + 1}", p.Id)).ToDictionary();
        if (nginx is not null)
        {
            named["nginx (peer)"] = nginx.Id;
        }

        named["redis"] = bench.Stack.Pid("redis");
        return named;
    }

    public static async Task<Peer> Start(Bench bench, int frontPort, int firstPort, int instances = 2)
    {
        var peer = new Peer(new Uri($"http://127.0.0.1:{frontPort}"));
        try
        {
            var folder = Path.Combine(bench.Results, "peer");
            var dll = Path.Combine(bench.Root, "bench", "Autopilot.Peer", "bin", "Release", "net10.0", "Autopilot.Peer.dll");
            var password = File.ReadAllText(new RunFolder(bench.Stack.Run).Secret(StackTopology.RedisPasswordSecret)).Trim();
            var ports = Enumerable.Range(firstPort, instances).ToList();
            foreach (var port in ports)
            {
                var start = Programs.Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", "--Name", $"peer-{port - firstPort + 1}"]);
                start.Environment["Redis"] = $"127.0.0.1:{bench.Stack.Ports.Redis},password={password}";
                start.RedirectStandardOutput = false;
                start.RedirectStandardError = false;
                peer.processes.Add(Process.Start(start) ?? throw new InvalidOperationException("the peer did not start"));
                await Poll.SecondsUntil(() => bench.Serves(new Uri($"http://127.0.0.1:{port}/health/live")), TimeSpan.FromMinutes(1), $"the peer on port {port}");
            }

            peer.nginx = Nginx.Start(folder, $$"""
                    upstream peer {
                        least_conn;
                        {{string.Join("\n                ", ports.Select(p => $"server 127.0.0.1:{p};"))}}
                        keepalive 64;
                    }
                    server {
                        listen 127.0.0.1:{{frontPort}};
                        location / {
                            proxy_pass http://peer;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_set_header X-Forwarded-Proto $scheme;
                        }
                    }
                """);
            await Poll.SecondsUntil(() => bench.Serves(new Uri(peer.Front, "/health/live")), TimeSpan.FromSeconds(30), "the peer's nginx");
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stores in the peer the rows the stack serves now (customers first, then reps and their clients).</summary>
    public async Task CopyRows(Bench bench, string query = "")
    {
        var customers = await bench.Http.GetFromJsonAsync<JsonElement>(new Uri(bench.Front, "/customers" + query));
        foreach (var row in customers.EnumerateArray())
        {
            await Put(bench, $"/customers/{Uri.EscapeDataString(row.GetProperty("company").GetString()!)}", new { location = row.GetProperty("location").GetString() });
        }

        var reps = await bench.Http.GetFromJsonAsync<JsonElement>(new Uri(bench.Front, "/sales" + query));
        foreach (var row in reps.EnumerateArray())
        {
            await Put(bench, $"/sales/{Uri.EscapeDataString(row.GetProperty("rep").GetString()!)}",
                new { phone = row.GetProperty("phone").GetString(), client = row.GetProperty("client").GetString() });
        }
    }

    private async Task Put(Bench bench, string path, object body)
    {
        using var response = await bench.Http.PutAsJsonAsync(new Uri(Front, path), body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the peer answered PUT {path} with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes.Append(nginx).OfType<Process>())
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
