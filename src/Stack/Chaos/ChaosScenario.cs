namespace Autopilot.Stack.Chaos;

/// <summary>One fault of a chaos run: its name (for <c>--only</c>), what it does, and the doing of it (which heals it, always).</summary>
public sealed record ChaosScenario(string Name, string What, Func<ScenarioRun, Task> Act);
