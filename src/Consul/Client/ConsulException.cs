namespace Autopilot.Consul.Client;

/// <summary>Consul answered, but not with success.</summary>
public sealed class ConsulException(string message, int statusCode, bool outage = false) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>
    /// Consul cannot serve the call now, and may later: a server error (5xx, "No cluster leader"), or a token Consul knew
    /// and has forgotten for a while (see <see cref="ConsulClient"/>). Callers keep their last good view and retry.
    /// </summary>
    public bool Outage { get; } = outage || statusCode >= 500;
}
