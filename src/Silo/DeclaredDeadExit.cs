using Autopilot.Hosting;

namespace Autopilot.Silo;

/// <summary>
/// What the silo does when Orleans meets a fatal error, above all "I have been told I am dead": the cluster declared this
/// silo dead (it was cut off from the other silos, or paused, longer than failure detection allows). It writes one line
/// to standard error and ends the process at once with <see cref="ExitCodes.DeclaredDead"/>, so that its process manager
/// (the local supervisor, compose's and Swarm's restart policies) starts it again and it joins as a new member.
/// <para>
/// Orleans' own handler calls <see cref="Environment.FailFast(string)"/>: SIGABRT and a crash dump, seen as exit 134, or 139
/// when the dump itself crashed, which no restart policy or operator could tell from a real crash. The end must still be
/// immediate, not a drain: the others have already activated this silo's grains elsewhere, so one more call served here
/// could answer from a stale copy: <see cref="ImmediateExit"/>, since a graceful stop would wait on the very membership
/// loop that is calling here.
/// </para>
/// </summary>
public sealed class DeclaredDeadExit : IFatalErrorHandler
{
    private readonly Action<int, string> end;

    public DeclaredDeadExit()
        : this(ImmediateExit.With)
    {
    }

    /// <summary>For tests: <paramref name="end"/> stands in for ending the process, given the exit code and the line to write.</summary>
    public DeclaredDeadExit(Action<int, string> end) => this.end = end;

    /// <summary>As Orleans' own handler: a thread being aborted is expected, everything else is not.</summary>
    public bool IsUnexpected(Exception exception) => exception is not ThreadAbortException;

    public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null)
    {
        var why = exception is null ? context : $"{context}: {exception.GetType().Name}: {exception.Message}";
        end(ExitCodes.DeclaredDead,
            $"autopilot {HostRole.Silo.Name}: ending at once with exit code {ExitCodes.DeclaredDead} (declared dead by the cluster, or a fatal Orleans error): {why}");
    }
}
