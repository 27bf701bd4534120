namespace Autopilot.Hosting;

/// <summary>What every host's exit code means; the README documents these and the container restart policies rely on them.</summary>
public static class ExitCodes
{
    /// <summary>Stopped as asked (SIGTERM), after deregistering and draining.</summary>
    public const int Stopped = 0;

    /// <summary>Failed: a dependency stayed unreachable past its bounded wait, a supervised child died, a stop overran its budget (<see cref="StopDeadline"/>), or a fault.</summary>
    public const int Failed = 1;

    /// <summary>Bad configuration: one sentence on standard error names the key and the value. Restarting cannot help.</summary>
    public const int BadConfiguration = 2;

    /// <summary>
    /// Declared dead: the cluster declared this silo dead (a partition, a long pause), or Orleans met an error it cannot go
    /// on from. The silo ended at once, without draining, since its grains may already live elsewhere; started again, it
    /// joins as a new member, so every process manager of the stack restarts it.
    /// </summary>
    public const int DeclaredDead = 3;
}
