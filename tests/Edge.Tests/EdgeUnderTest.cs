using System.Net.Http.Json;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;

namespace Autopilot.Edge.Tests;

/// <summary>The edge host as the Edge program wires it, in this process, with nginx (a real child process) or YARP.</summary>
internal sealed class EdgeUnderTest : IAsyncDisposable
{
    private readonly WebApplication app;

    private EdgeUnderTest(WebApplication app, int frontPort, int statusPort, string runDirectory)
    {
        this.app = app;
        Front = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{frontPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}"), Timeout = TimeSpan.FromSeconds(10) };
        RunDirectory = runDirectory;
    }

    public HttpClient Front { get; }

    public HttpClient Status { get; }

    public string RunDirectory { get; }

    /// <summary>Follows <paramref name="service"/>, so that tests sharing one agent do not see each other's gateways.</summary>
    public static Task<EdgeUnderTest> StartAsync(Uri consul, string mode, string service, params string[] extra) =>
        TestPorts.Retry(() => StartOnceAsync(consul, mode, service, extra));

    private static async Task<EdgeUnderTest> StartOnceAsync(Uri consul, string mode, string service, string[] extra)
    {
        if (mode == "nginx")
        {
            DebianPackage.Ensure("nginx", "/usr/sbin/nginx");
        }

        var (front, status) = (TestPorts.Next(), TestPorts.Next());
        var run = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"edge-{front}");
        var builder = WebApplication.CreateBuilder(
        [
            $"--Consul:Address={consul}", $"--Edge:Mode={mode}", $"--Edge:Listen=127.0.0.1:{front}",
            $"--Edge:RunDirectory={run}", $"--Edge:Service={service}", $"--urls=http://127.0.0.1:{status}", .. extra,
        ]);
        builder.Logging.WarningsOnlyOnConsole();
        builder.AddAutopilotEdge();
        var app = builder.Build();
        app.MapAutopilotEdge();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new EdgeUnderTest(app, front, status, run);
    }

    public Task<EdgeSnapshot> Upstreams() => Status.GetFromJsonAsync<EdgeSnapshot>("/upstreams")!;

    /// <summary>Which gateways answered <paramref name="count"/> requests through the front door, and how many requests failed.</summary>
    public async Task<Reach> Reached(int count)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var failures = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await Front.GetAsync("/cluster");
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                names.Add(body.Split(' ')[0]);
            }
            else
            {
                failures.Add($"{(int)response.StatusCode} {body}");
            }
        }

        return new Reach(names, failures);
    }

    public async ValueTask DisposeAsync()
    {
        Front.Dispose();
        Status.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
