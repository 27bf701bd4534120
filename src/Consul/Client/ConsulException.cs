namespace Autopilot.Consul.Client;

/// <summary>Consul answered, but not with success.</summary>
public sealed class ConsulException(string message, int statusCode) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
