using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A stopping gateway closes each keep-alive connection right after its next answer, so that nginx never sends a request
/// on a connection the gateway closes idle when it stops listening: on the gateway's real Kestrel, one raw connection.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class DrainingConnectionsTests(GatewayFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Once_the_gateway_stops_each_answer_closes_its_keep_alive_connection()
    {
        // The drain the Consul registration gives a stopping gateway (Deadlines.GatewayDrain), held until this test has
        // asked its question: without Consul nothing waits, and Kestrel closed the idle connection before it was asked.
        var drain = new HeldDrain();
        await using var factory = fixture.Factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<IHostedService>(drain)));
        try
        {
            factory.UseKestrel(0);
            factory.StartServer();
            var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, address.Port);
            var stream = tcp.GetStream();
            stream.ReadTimeout = (int)Generous.TotalMilliseconds;

            var before = await Exchange(stream);
            Assert.StartsWith("HTTP/1.1 200", before, StringComparison.Ordinal);
            Assert.DoesNotContain("Connection: close", before, StringComparison.OrdinalIgnoreCase);

            // What SIGTERM does first; the registration then deregisters and waits while Kestrel keeps answering.
            factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

            var during = await Exchange(stream);
            Assert.StartsWith("HTTP/1.1 200", during, StringComparison.Ordinal);
            Assert.Contains("Connection: close", during, StringComparison.OrdinalIgnoreCase);
            using var closed = new CancellationTokenSource(Generous);
            Assert.Equal(0, await stream.ReadAsync(new byte[1], closed.Token));
        }
        finally
        {
            drain.Released.TrySetResult();
        }
    }

    /// <summary>Stands in for the registration's drain: the host's stopping waits until the test releases it.</summary>
    private sealed class HeldDrain : IHostedLifecycleService
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StoppingAsync(CancellationToken cancellationToken) => Released.Task.WaitAsync(Generous, cancellationToken);

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Sends one keep-alive GET of the page and reads its whole answer (headers and Content-Length bytes).</summary>
    private static async Task<string> Exchange(NetworkStream stream)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        using var timeout = new CancellationTokenSource(Generous);
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int? total = null;
        while (total is null || received.Count < total)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, n));
            var text = Encoding.ASCII.GetString([.. received]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (total is null && end >= 0)
            {
                var length = text[..end].Split("\r\n").Single(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                total = end + 4 + int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var answer = Encoding.ASCII.GetString([.. received]);
        var headers = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headers >= 0, $"the gateway closed the connection before a whole answer ({received.Count} bytes: {answer})");
        return answer[..headers];
    }
}
