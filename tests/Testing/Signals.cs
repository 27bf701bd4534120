using System.Runtime.InteropServices;

namespace Autopilot.Testing;

/// <summary>POSIX signals for child processes: .NET's Process can only SIGKILL.</summary>
public static partial class Signals
{
    public const int SigHup = 1;
    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int SigStop = 19;
    public const int SigCont = 18;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
