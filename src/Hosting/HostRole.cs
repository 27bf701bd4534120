namespace Autopilot.Hosting;

/// <summary>Which program this is (<c>silo</c>, <c>gateway</c>, <c>edge</c>) and where its HTTP endpoint listens when <c>Urls</c> is unset.</summary>
public sealed record HostRole(string Name, string DefaultUrl);
