namespace Autopilot.Gateway;

/// <summary>The body of <c>PUT /sales/{rep}</c>; a null or absent client leaves the rep without one.</summary>
public sealed record SalesRepPut(string? Phone, string? Client);
