using System.Diagnostics;
using Autopilot.Stack.Processes;

namespace Autopilot.Testing;

/// <summary>A process a test started: its output goes to a log file (and a tail kept for failure messages); it never outlives the test.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 60;
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Queue<string> tail = new();

    // Where this process's lines begin in its log file, which earlier processes of the same name (a class's other tests) wrote.
    private readonly long ownStart;

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        this.process = process;
        LogPath = logPath;
        log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        ownStart = log.BaseStream.Position;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logDirectory, IDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(logDirectory);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, Path.Combine(logDirectory, $"{name}.log"));
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}: {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process printed.</summary>
    public string Tail()
    {
        lock (tail)
        {
            return $"--- last output of {Name} (whole log: {LogPath}) ---\n{string.Join('\n', tail)}";
        }
    }

    /// <summary>Whether this process printed <paramref name="text"/> (in its own lines of the log file, not an earlier process's of the same name).</summary>
    public bool Printed(string text)
    {
        lock (tail)
        {
            using var file = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            file.Seek(ownStart, SeekOrigin.Begin);
            using var reader = new StreamReader(file);
            return reader.ReadToEnd().Contains(text, StringComparison.Ordinal);
        }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan grace)
    {
        if (!process.HasExited)
        {
            Signals.Send(process.Id, Signals.SigTerm);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Waits for the process to exit by itself; fails if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var source = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(source.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} still runs after {timeout.TotalSeconds} s.\n{Tail()}");
        }

        return process.ExitCode;
    }

    /// <summary>SIGKILL: a crash, with no chance to deregister or drain.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            Signals.Send(process.Id, Signals.SigKill);
        }

        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        lock (tail)
        {
            log.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (tail)
        {
            log.WriteLine(line);
            tail.Enqueue(line);
            if (tail.Count > TailLines)
            {
                tail.Dequeue();
            }
        }
    }
}
