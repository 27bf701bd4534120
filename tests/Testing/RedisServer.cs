using System.Net.Sockets;
using System.Text;

namespace Autopilot.Testing;

/// <summary>A real redis-server (Debian's package, installed by the repository's script) on a free loopback port, in memory only.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess process;

    private RedisServer(ChildProcess process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; if its port was taken meanwhile, again on a new one.</summary>
    public static Task<RedisServer> StartAsync() => TestPorts.Retry(StartOnceAsync);

    private static async Task<RedisServer> StartOnceAsync()
    {
        var binary = DebianPackage.Ensure("redis-server", "/usr/bin/redis-server");
        var port = TestPorts.Next();
        var process = ChildProcess.Start($"redis-{port}", binary,
            ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            Path.Combine(Path.GetTempPath(), "autopilot-tests", $"redis-{port}"));
        var server = new RedisServer(process, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await server.AnswersAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                var tail = process.Tail();
                throw TestPorts.SaysInUse(tail)
                    ? new PortInUseException($"redis-server could not bind port {port}.\n{tail}")
                    : new InvalidOperationException($"redis-server did not answer PING on port {port}.\n{tail}");
            }

            await Task.Delay(100);
        }

        return server;
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
