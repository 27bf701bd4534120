using System.Globalization;
using System.Runtime.InteropServices;

namespace Autopilot.Stack.Processes;

/// <summary>POSIX signals and process facts that .NET's Process does not offer (it can only SIGKILL, and knows no sessions).</summary>
public static class Signals
{
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>Sends <paramref name="signal"/>; throws if the process does not exist or may not be signalled.</summary>
    public static void Send(int pid, int signal)
    {
        if (!TrySend(pid, signal))
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    public static bool TrySend(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Whether <paramref name="pid"/> runs and is not a zombie waiting to be reaped.</summary>
    public static bool Running(int pid) => pid > 0 && Kill(pid, 0) == 0 && Stat(pid) is { } stat && stat.State != 'Z';

    /// <summary>The session <paramref name="pid"/> belongs to (the pid of the session's leader), or null if it does not run.</summary>
    public static int? Session(int pid) => Stat(pid)?.Session;

    /// <summary>Whether <paramref name="pid"/>'s environment, as it was started, holds <paramref name="entry"/> (<c>NAME=value</c>).</summary>
    public static bool HasEnvironment(int pid, string entry)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(entry, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // /proc/PID/stat: "pid (comm) state ppid pgrp session ..."; comm may hold spaces and parentheses, so read after the last ')'.
    private static (char State, int Session)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[3], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
