using System.Runtime.InteropServices;

namespace Autopilot.Edge;

/// <summary>Signals to the nginx child: .NET's Process can only kill.</summary>
internal static partial class Posix
{
    public const int SigHup = 1;
    public const int SigQuit = 3;
    public const int SigKill = 9;

    /// <summary>util-linux's setsid, in every Debian (an essential package).</summary>
    public const string SetsidBinary = "/usr/bin/setsid";

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Signals every process of the group <paramref name="leader"/> leads.</summary>
    public static bool SignalGroup(int leader, int signal) => Kill(-leader, signal) == 0;

    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>The processes whose parent is <paramref name="parent"/>, read from /proc.</summary>
    public static IReadOnlyList<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
