using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Autopilot.Testing;

/// <summary>
/// Listener ports for the tests. They come from a range below the kernel's ephemeral range, so that no outgoing connection
/// of any process can hold one, and are reserved across processes: the range is cut into blocks of
/// <see cref="BlockSize"/>, and a test process takes a block by holding an exclusive lock (flock) on the block's file
/// under <c>/tmp/autopilot-ports</c>. The kernel drops the lock when the process ends, however it ends, so a crashed
/// test run never leaks a block. Within a block ports are handed out once each, and only if nothing listens on them.
/// A bind can still fail (some other program on the machine took the port): fixtures start their processes through
/// <see cref="Retry{T}"/>, which tries again on new ports.
/// </summary>
public static class TestPorts
{
    /// <summary>The first port of the tests' range: below the default stack (20000) and the bench (25000).</summary>
    public const int First = 10000;

    /// <summary>One past the last port of the tests' range.</summary>
    public const int End = 20000;

    public const int BlockSize = 100;

    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "autopilot-ports");
    private static readonly List<FileStream> Held = [];
    private static readonly Lock Gate = new();
    private static int next;
    private static int blockEnd;

    static TestPorts()
    {
        var ephemeral = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            : [];
        if (ephemeral.Length == 2 && int.Parse(ephemeral[0], CultureInfo.InvariantCulture) < End)
        {
            throw new InvalidOperationException(
                $"The kernel's ephemeral port range ({ephemeral[0]}-{ephemeral[1]}, net.ipv4.ip_local_port_range) overlaps the tests' " +
                $"range {First}-{End - 1}: outgoing connections could take the tests' ports. Raise its start to {End} or above.");
        }
    }

    /// <summary>A loopback port nothing listens on, reserved for this process: never handed out twice by any test process.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                if (next >= blockEnd)
                {
                    next = First + (Reserve(1, keep: true).Index * BlockSize);
                    blockEnd = next + BlockSize;
                }

                var port = next++;
                if (Bindable(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> consecutive ports reserved for this process until the span is disposed: for a program that
    /// derives its ports from a base port (the local stack's map).
    /// </summary>
    public static PortSpan Span(int count)
    {
        lock (Gate)
        {
            var blocks = Reserve((count + BlockSize - 1) / BlockSize, keep: false);
            return new PortSpan(First + (blocks.Index * BlockSize), count, blocks.Locks);
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/> (which takes new ports on each call) until it does not fail on a port already in use,
    /// at most <paramref name="attempts"/> times.
    /// </summary>
    public static async Task<T> Retry<T>(Func<Task<T>> start, int attempts = 4)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (Exception e) when (attempt < attempts && InUse(e))
            {
                await Console.Error.WriteLineAsync($"TestPorts: a port was in use ({Innermost(e).Message}); trying again on new ports (attempt {attempt + 1} of {attempts})");
            }
        }
    }

    /// <summary>Whether <paramref name="exception"/> (or one inside it) says that a bind failed on a port in use.</summary>
    public static bool InUse(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } or PortInUseException ||
                e.GetType().Name == "AddressInUseException" || SaysInUse(e.Message))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a program's output says that it could not bind a port in use (Go, .NET, Redis and nginx say it alike).</summary>
    public static bool SaysInUse(string output) => output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    // Locks `blocks` adjacent free blocks, all or none; returns the index of the first and the locks (kept for the
    // process's lifetime if `keep`).
    private static (int Index, List<FileStream> Locks) Reserve(int blocks, bool keep)
    {
        Directory.CreateDirectory(LockDirectory);
        var count = (End - First) / BlockSize;
        // Start where a process id points, so that parallel test processes rarely try the same blocks first.
        var offset = Environment.ProcessId % count;
        for (var i = 0; i < count; i++)
        {
            var first = (offset + i) % count;
            if (first + blocks > count)
            {
                continue;
            }

            var taken = new List<FileStream>();
            for (var b = first; b < first + blocks && TryLock(b) is { } stream; b++)
            {
                taken.Add(stream);
            }

            // A span's ports must all be free now: a process that outlived its test (a stack whose teardown failed) keeps
            // its ports after its test process let go of the lock, and a program given the span binds them all.
            if (taken.Count == blocks && (keep || Enumerable.Range(First + (first * BlockSize), blocks * BlockSize).All(Bindable)))
            {
                if (keep)
                {
                    Held.AddRange(taken);
                }

                return (first, taken);
            }

            taken.ForEach(stream => stream.Dispose());
        }

        throw new InvalidOperationException(
            $"No {blocks} free block(s) of {BlockSize} test ports left in {First}-{End - 1}: every block is held by a running test process (locks in {LockDirectory}).");
    }

    private static FileStream? TryLock(int block)
    {
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Linux: another process's open fails until this one ends.
            return new FileStream(Path.Combine(LockDirectory, $"{First + (block * BlockSize)}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
