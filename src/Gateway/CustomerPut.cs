namespace Autopilot.Gateway;

/// <summary>The body of <c>PUT /customers/{company}</c>.</summary>
public sealed record CustomerPut(string? Location);
