namespace Autopilot.Stack.Chaos;

/// <summary>
/// One fault of a chaos run: its name (for <c>--only</c>), what it does, and the doing of it (which heals it, always).
/// <paramref name="FailsNoRequest"/>: a fault the deployment is built to absorb whole, so that any request it fails
/// (an answer other than 200, 404 or the API's 422, or none) is a problem.
/// </summary>
public sealed record ChaosScenario(string Name, string What, Func<ScenarioRun, Task> Act, bool FailsNoRequest = false);
