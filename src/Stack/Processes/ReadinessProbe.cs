using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Processes;

/// <summary>Asks a part whether it serves (<see cref="Readiness"/>), and waits for it with a bound, failing early if it stopped for good.</summary>
public sealed class ReadinessProbe(PartProcesses processes) : IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<bool> Ready(Readiness readiness)
    {
        try
        {
            switch (readiness.Kind)
            {
                case ReadinessKind.Http:
                    using (var response = await http.GetAsync(readiness.Url))
                    {
                        return response.IsSuccessStatusCode;
                    }

                case ReadinessKind.ConsulLeader:
                    // A quoted "address:port" once a leader is elected, "" before.
                    return (await http.GetStringAsync(new Uri(readiness.Url, "v1/status/leader"))).Contains(':', StringComparison.Ordinal);
                default:
                    using (var client = new TcpClient())
                    using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
                    {
                        await client.ConnectAsync(readiness.Url.Host, readiness.Url.Port, timeout.Token);
                        var stream = client.GetStream();
                        var auth = readiness.SecretFile is { } file ? $"AUTH {(await File.ReadAllTextAsync(file, timeout.Token)).Trim()}\r\n" : "";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{auth}PING\r\n"), timeout.Token);
                        var answer = new StringBuilder();
                        var buffer = new byte[64];
                        while (!answer.ToString().Contains("PONG", StringComparison.Ordinal) && !answer.ToString().Contains('-', StringComparison.Ordinal)
                            && await stream.ReadAsync(buffer, timeout.Token) is > 0 and var read)
                        {
                            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }

                        return answer.ToString().Contains("+PONG", StringComparison.Ordinal);
                    }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Until <paramref name="part"/> is ready; throws if it stopped for good (its supervisor gave up) or <paramref name="limit"/> passed.</summary>
    public Task WaitReady(PartSpec part, TimeSpan limit) => WaitUntil(part.Name, limit, () => Ready(part.Ready), "ready");

    /// <summary>Until <paramref name="condition"/> holds, on the same terms as <see cref="WaitReady"/>.</summary>
    public async Task WaitUntil(string name, TimeSpan limit, Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (!processes.Present(name))
            {
                var code = processes.ExitCode(name) is { } exit ? $"{exit}" : "?";
                throw new StackException(
                    $"{name} exited (code {code}) before it was {what}; its log is {processes.Run.LogFile(name)}:\n{processes.Tail(name)}");
            }

            if (waited.Elapsed > limit)
            {
                throw new StackException($"{name} was not {what} after {limit.TotalSeconds:0} s; its log is {processes.Run.LogFile(name)}");
            }

            await Task.Delay(250);
        }
    }

    public void Dispose() => http.Dispose();
}
