namespace Autopilot.Edge;

/// <summary>The edge's own status endpoints (<c>Urls</c>), kept apart from the front door in YARP mode.</summary>
public sealed record StatusUrls(IReadOnlyList<string> Urls);
