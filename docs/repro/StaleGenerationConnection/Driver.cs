using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace StaleGenerationConnection;

/// <summary>Starts the silos, kills and restarts B, and says whether calls from A to the new B were lost.</summary>
public static partial class Driver
{
    private const int PortA = 11111;
    private const int PortB = 11112;

    public static async Task<int> RunAsync(string[] args)
    {
        var redis = args.SkipWhile(a => a != "--redis").Skip(1).FirstOrDefault() ?? "127.0.0.1:6379";
        var retireFirst = args.Contains("--retire-old-generation-first");
        if (!await Reachable(redis))
        {
            Console.Error.WriteLine($"No Redis answers at {redis}: start one (redis-server --port 6390 --save '' --daemonize yes) and pass --redis 127.0.0.1:6390");
            return 2;
        }

        var cluster = $"repro-{Guid.NewGuid():N}"[..14];
        var logs = Directory.CreateTempSubdirectory(cluster + "-").FullName;
        Console.WriteLine($"cluster {cluster}; silo logs in {logs}{(retireFirst ? "; with --retire-old-generation-first" : "")}");

        await using var a = Child.Start("A", PortA, cluster, redis, logs, TimeSpan.Zero, retireFirst: false);
        await a.WaitFor("ready", TimeSpan.FromSeconds(60));
        await using var b = Child.Start("B", PortB, cluster, redis, logs, TimeSpan.Zero, retireFirst: false);
        await b.WaitFor("ready", TimeSpan.FromSeconds(60));

        // A calls a grain on B: A caches where it lives and has a connection to B.
        await b.Send("activate old");
        await b.WaitFor("activated old", TimeSpan.FromSeconds(30));
        await a.Send("call old");
        await a.WaitFor("call old answered", TimeSpan.FromSeconds(30));

        b.Kill();
        Say("B killed (SIGKILL): its row stays Active");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // a new generation: SiloAddress generations count seconds

        await using var newB = Child.Start("B2", PortB, cluster, redis, logs, TimeSpan.FromSeconds(5), retireFirst);
        await newB.WaitFor("listening", TimeSpan.FromSeconds(60));

        // A still lists the old B as Active: this call goes to the old generation, and the new B's listener answers.
        await a.Send("call old");
        await newB.WaitFor("ready", TimeSpan.FromSeconds(60));
        await newB.Send("activate new");
        await newB.WaitFor("activated new", TimeSpan.FromSeconds(30));

        // A calls a grain on the new B for 25 s, through the moment 10 s after A learned the old B is dead.
        await a.Send("stream new 25 0 1048576 16");
        var stream = await a.WaitFor("stream new:", TimeSpan.FromSeconds(90));

        var generations = a.Lines.Select(l => Established().Match(l)).Where(m => m.Success)
            .GroupBy(m => m.Groups["connection"].Value, m => m.Groups["silo"].Value)
            .Where(g => g.Where(s => s.StartsWith($"S127.0.0.1:{PortB}:", StringComparison.Ordinal)).Distinct().Count() > 1)
            .Select(g => $"connection {g.Key} registered under {string.Join(" and ", g.Distinct())}")
            .ToList();
        var closes = a.Lines.Where(l => l.EndsWith("] closed", StringComparison.Ordinal) && l.Contains($"Remote: 127.0.0.1:{PortB},", StringComparison.Ordinal)).ToList();

        Console.WriteLine();
        Console.WriteLine($"A's connections to B's endpoint under two generations: {(generations.Count == 0 ? "none" : string.Join("; ", generations))}");
        foreach (var close in closes)
        {
            Console.WriteLine($"A: {close}");
        }

        foreach (var failure in a.Lines.Where(l => l.Contains("stream new failure", StringComparison.Ordinal)))
        {
            Console.WriteLine($"A: {failure}");
        }

        Console.WriteLine($"A: {stream}");
        var lost = Lost().Match(stream) is { Success: true } m && int.Parse(m.Groups[1].Value) > 0;
        Console.WriteLine(lost
            ? "REPRODUCED: calls from A to the new B were lost, although both silos were healthy the whole time"
            : "NOT REPRODUCED: every call from A to the new B was answered");
        return 0;
    }

    private static void Say(string line) => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");

    private static async Task<bool> Reachable(string endpoint)
    {
        var (host, port) = (endpoint.Split(':')[0], int.Parse(endpoint.Split(':')[1]));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Connection \[Local: [^,]+, Remote: [^,]+, ConnectionId: (?<connection>\w+)\] established with (?<silo>S[\d.:]+)")]
    private static partial Regex Established();

    [GeneratedRegex(@"calls, (\d+) failed")]
    private static partial Regex Lost();

    /// <summary>A silo process; its output goes to a log file and is kept for the verdict.</summary>
    private sealed class Child : IAsyncDisposable
    {
        private readonly Process process;
        private readonly List<string> lines = [];
        private readonly Task reading;

        private Child(Process process, string log)
        {
            this.process = process;
            reading = Task.Run(async () =>
            {
                await using var file = new StreamWriter(log);
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                {
                    await file.WriteLineAsync(line);
                    lock (lines)
                    {
                        lines.Add(line);
                    }

                    if (line.StartsWith('@'))
                    {
                        Say($"{Name}: {line[14..]}");
                    }
                }
            });
        }

        public string Name { get; private init; } = "";

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return [.. lines];
                }
            }
        }

        public static Child Start(string name, int port, string cluster, string redis, string logs, TimeSpan slowStart, bool retireFirst)
        {
            var self = Environment.ProcessPath!;
            var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(Driver).Assembly.Location);
            }

            foreach (var arg in new[] { "silo", name, $"{port}", cluster, redis, $"{(int)slowStart.TotalMilliseconds}", $"{retireFirst}" })
            {
                start.ArgumentList.Add(arg);
            }

            return new Child(Process.Start(start)!, Path.Combine(logs, $"{name}.log")) { Name = name };
        }

        public Task Send(string command) => process.StandardInput.WriteLineAsync(command);

        public async Task<string> WaitFor(string text, TimeSpan within)
        {
            var until = DateTime.UtcNow + within;
            while (DateTime.UtcNow < until)
            {
                if (Lines.FirstOrDefault(l => l.StartsWith('@') && l[14..].StartsWith(text, StringComparison.Ordinal)) is { } line)
                {
                    return line[14..];
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"silo {Name} exited with {process.ExitCode} before '{text}'");
                }

                await Task.Delay(50);
            }

            throw new TimeoutException($"silo {Name} did not say '{text}' within {within.TotalSeconds} s");
        }

        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Kill();
            await process.WaitForExitAsync();
            await reading;
            process.Dispose();
        }
    }
}
