namespace Autopilot.Consul.Client;

/// <summary>A policy a token carries, named.</summary>
public sealed class AclPolicyLink
{
    public string? ID { get; set; }

    public string Name { get; set; } = "";
}
