namespace Autopilot.Stack.Model;

/// <summary>What <c>up</c> chose, kept in the run folder (<c>stack.json</c>) for the verbs that follow: the port map and the counts.</summary>
public sealed record StackState(int Base, int Edge, int Silos, int Gateways, bool Embedded = false)
{
    public StackPorts Ports => new(Base, Edge);
}
