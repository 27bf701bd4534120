namespace Autopilot.Silo;

/// <summary>Where this silo keeps grain state, as its ready line says it.</summary>
public sealed record StorageChoice(string Description);
