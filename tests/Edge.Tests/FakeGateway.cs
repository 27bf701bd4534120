using Autopilot.Consul.Client;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Autopilot.Edge.Tests;

/// <summary>A stand-in gateway: a real HTTP server on a free loopback port that says its name, registered in Consul with a check the agent runs.</summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> paths = new();
    private int puts;

    private FakeGateway(string name, int port, WebApplication app)
    {
        Name = name;
        Port = port;
        this.app = app;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>The paths of the GETs that reached this gateway.</summary>
    public IReadOnlyCollection<string> Paths => paths;

    /// <summary>How many PUTs reached this gateway.</summary>
    public int Puts => Volatile.Read(ref puts);

    /// <summary>A gateway that answers with its name; with <paramref name="dieOnPut"/>, it reads a PUT and then drops the connection, as one that crashes mid-request.</summary>
    public static Task<FakeGateway> StartAsync(string name, bool dieOnPut = false) => TestPorts.Retry(() => StartOnceAsync(name, dieOnPut, TestPorts.Next()));

    /// <summary>The same gateway started again on its port after it was stopped, as a crashed one restarted.</summary>
    public Task<FakeGateway> RestartAsync() => StartOnceAsync(Name, dieOnPut: false, Port);

    private static async Task<FakeGateway> StartOnceAsync(string name, bool dieOnPut, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.WarningsOnlyOnConsole();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        FakeGateway? gateway = null;
        app.MapGet("/health/ready", () => Results.Text("Healthy"));
        // A check that answers only after a minute: until then Consul shows it critical with no output, as one not run yet.
        app.MapGet("/health/hang", async (CancellationToken aborted) =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, app.Lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), stop.Token);
                return Results.Text("Healthy");
            }
            catch (OperationCanceledException)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        });
        // A GET of /customers/slow... takes a second, so that requests pile up at the front door.
        app.MapGet("/{**path}", async (string? path) =>
        {
            gateway!.paths.Enqueue($"/{path}");
            if (path?.StartsWith("customers/slow", StringComparison.Ordinal) == true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            return Results.Text($"{name} /{path}");
        });
        app.MapPut("/{**path}", async (HttpContext context, string? path) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref gateway!.puts);
            if (dieOnPut)
            {
                context.Abort();
                return Results.Empty;
            }

            return Results.Text($"{name} stored /{path}");
        });
        try
        {
            await app.StartAsync();
            // Its first answer (the endpoints compiled, the pipeline warmed) before anyone checks it.
            using var warm = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var ready = await warm.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
            ready.EnsureSuccessStatusCode();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        gateway = new FakeGateway(name, port, app);
        return gateway;
    }

    /// <summary>
    /// Registers as <paramref name="service"/>; <paramref name="address"/> overrides what the edge is told to dial. With
    /// <paramref name="failuresBeforeCritical"/>, Consul keeps the check passing through that many failures in a row, as a
    /// crashed gateway stays listed until its check has failed long enough (the edge keeps it; nginx alone finds it gone).
    /// </summary>
    /// <remarks>
    /// The check waits up to 10 s for an answer: a gateway stopped is refused at once, and nothing here hangs it, but one
    /// just started on a busy machine can take over a second to answer its first request. With a 1 s timeout, ci25's
    /// gateway b joined passing and left 2 s later, critical, before the test read the upstream.
    /// </remarks>
    public Task RegisterAsync(ConsulClient consul, string service, string? address = null, int? failuresBeforeCritical = null) => Register(consul, service, address, new AgentServiceCheck
    {
        HTTP = $"http://127.0.0.1:{Port}/health/ready",
        Interval = "1s",
        Timeout = "10s",
        Status = "passing",
        FailuresBeforeCritical = failuresBeforeCritical,
    });

    /// <summary>
    /// Registers again with a second check, in Consul's default initial status, that has not answered for a minute: Consul lists
    /// it critical with no output meanwhile, as it lists every check a restarted agent restored until it has run. (Registered
    /// again with the same check, a service keeps that check's status.)
    /// </summary>
    public Task RegisterUncheckedAsync(ConsulClient consul, string service) => Register(consul, service, null, new AgentServiceCheck
    {
        CheckID = $"{Name}-unchecked",
        HTTP = $"http://127.0.0.1:{Port}/health/hang",
        Interval = "1s",
        Timeout = "2m",
    });

    public Task DeregisterAsync(ConsulClient consul) => consul.ServiceDeregister(Name);

    private Task Register(ConsulClient consul, string service, string? address, AgentServiceCheck check) => consul.ServiceRegister(new AgentServiceRegistration
    {
        ID = Name,
        Name = service,
        Address = address ?? "127.0.0.1",
        Port = Port,
        Check = check,
    });

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
