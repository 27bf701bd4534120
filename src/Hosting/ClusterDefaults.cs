namespace Autopilot.Hosting;

/// <summary>The cluster's identity when configuration names none (<c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>).</summary>
public static class ClusterDefaults
{
    public const string Id = "autopilot";
}
