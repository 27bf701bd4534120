namespace Autopilot.Stack.Processes;

/// <summary>A verb of the command line cannot go on: its message is one plain sentence for the user, and the exit code is 1.</summary>
public sealed class StackException(string message) : Exception(message);
