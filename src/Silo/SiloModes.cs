namespace Autopilot.Silo;

/// <summary>How this silo finds the cluster and where it keeps grain state, as its ready line says.</summary>
public sealed record SiloModes(string Clustering, string Storage);
