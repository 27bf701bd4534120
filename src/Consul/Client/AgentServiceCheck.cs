namespace Autopilot.Consul.Client;

/// <summary>A check the agent runs itself; durations in Consul's notation (<c>2s</c>, <c>1m</c>).</summary>
public sealed class AgentServiceCheck
{
    /// <summary>The check's ID; Consul's default is <c>service:&lt;service ID&gt;</c>.</summary>
    public string? CheckID { get; set; }

    public string? HTTP { get; set; }

    public string? Interval { get; set; }

    public string? Timeout { get; set; }

    public string? DeregisterCriticalServiceAfter { get; set; }

    public bool? TLSSkipVerify { get; set; }

    /// <summary>How many failed checks in a row turn the service critical (Consul 1.7+); one slow answer then costs nothing.</summary>
    public int? FailuresBeforeCritical { get; set; }

    /// <summary>The status before the first check has run (Consul's default is critical).</summary>
    public string? Status { get; set; }
}
