namespace Autopilot.Consul.Client;

/// <summary>An ACL policy: a name and its rules (HCL), as <c>/v1/acl/policy</c> takes and answers it.</summary>
public sealed class AclPolicy
{
    public string? ID { get; set; }

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string Rules { get; set; } = "";
}
