namespace Autopilot.Consul.Client;

/// <summary>An ACL token with the policies it carries, as <c>/v1/acl/token</c> takes and answers it.</summary>
public sealed class AclToken
{
    public string? AccessorID { get; set; }

    /// <summary>The secret a process presents; chosen by whoever creates the token (here, the stack's own secrets).</summary>
    public string? SecretID { get; set; }

    public string? Description { get; set; }

    public List<AclPolicyLink> Policies { get; set; } = [];
}
