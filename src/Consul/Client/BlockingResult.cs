namespace Autopilot.Consul.Client;

/// <summary>An answer of a blocking query and the <c>X-Consul-Index</c> to pass to the next one.</summary>
public sealed record BlockingResult<T>(T Value, ulong Index);
