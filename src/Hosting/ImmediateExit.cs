using System.Runtime.InteropServices;

namespace Autopilot.Hosting;

/// <summary>
/// Ends the process at once with a chosen exit code, running nothing else: no host stop, no finalizers, no ProcessExit
/// handlers. <see cref="Environment.Exit(int)"/> would run the host's graceful stop first (its ProcessExit handler waits
/// for it), and a host ends this way exactly when that stop cannot be waited for: it is the caller itself, or it hangs.
/// Hand-written for that reason: .NET has no immediate exit with a chosen code but libc's <c>_exit</c>.
/// </summary>
public static class ImmediateExit
{
    /// <summary>Writes <paramref name="line"/> to standard error (the logger's queue might not be flushed) and ends the process with <paramref name="code"/>.</summary>
    public static void With(int code, string line)
    {
        Console.Error.WriteLine(line);
        Console.Error.Flush();
        Console.Out.Flush();
        NativeExit(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void NativeExit(int status);
}
