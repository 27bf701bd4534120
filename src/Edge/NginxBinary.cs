namespace Autopilot.Edge;

/// <summary>The nginx binary found at start-up.</summary>
public sealed record NginxBinary(string Path);
