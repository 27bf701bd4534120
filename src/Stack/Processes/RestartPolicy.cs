using Autopilot.Hosting;

namespace Autopilot.Stack.Processes;

/// <summary>
/// When a supervised part that exited is started again, as a container engine's restart policy would: after a back-off of
/// 1 s, doubling to 10 s, reset once the part has run for a minute; never after exit code 2 (bad configuration: restarting
/// cannot help).
/// </summary>
public sealed class RestartPolicy
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan StableAfter = TimeSpan.FromMinutes(1);

    private TimeSpan backoff = FirstBackoff;

    public int Restarts { get; private set; }

    /// <summary>How long to wait before starting again a part that exited with <paramref name="code"/> after running <paramref name="ranFor"/>; null: leave it down.</summary>
    public TimeSpan? After(int code, TimeSpan ranFor)
    {
        if (code == ExitCodes.BadConfiguration)
        {
            return null;
        }

        if (ranFor >= StableAfter)
        {
            backoff = FirstBackoff;
        }

        var wait = backoff;
        backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
        Restarts++;
        return wait;
    }
}
