namespace Autopilot.Gateway;

/// <summary>One silo of <see cref="ClusterView"/>; <c>Activations</c> is null when the silo could not be asked.</summary>
public sealed record SiloView(string Address, string Name, string Status, int? Activations);
