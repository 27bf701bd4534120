namespace Autopilot.Stack.Demo;

/// <summary>What one step of the demo did: how long it took, what failed, and whether the writes it saw acknowledged read back.</summary>
/// <param name="Title">The step as the summary names it.</param>
/// <param name="PromisesNoFailure">Whether the step promises that no request fails (every step but the crash).</param>
/// <param name="Duration">How long the step took.</param>
/// <param name="Requests">The load's requests during the step.</param>
/// <param name="Failed">How many of them failed.</param>
/// <param name="Acknowledged">The writes acknowledged during the step, read back at its end.</param>
/// <param name="Lost">How many of those did not read back as written.</param>
/// <param name="Figure">The step's own figure (the time to even out, to answer again), or empty.</param>
public sealed record DemoStep(string Title, bool PromisesNoFailure, TimeSpan Duration, int Requests, int Failed, int Acknowledged, int Lost, string Figure)
{
    /// <summary>The step kept its promise: nothing acknowledged lost, and no failure where it promised none.</summary>
    public bool Held => Lost == 0 && (!PromisesNoFailure || Failed == 0);
}
