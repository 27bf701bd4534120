namespace Autopilot.Stack.Model;

/// <summary>What a process of the stack is. Silos and gateways come in numbered instances; the rest once.</summary>
public enum PartKind
{
    Consul,
    Redis,
    Prometheus,
    Viewer,
    Silo,
    Gateway,
    Edge,
}
