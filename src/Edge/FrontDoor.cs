namespace Autopilot.Edge;

/// <summary>The front door as resolved once at start-up: nginx (with its binary) or YARP, never <see cref="EdgeMode.Auto"/>.</summary>
public sealed record FrontDoor(EdgeMode Mode, string? NginxPath)
{
    public string Name => Mode == EdgeMode.Nginx ? "nginx" : "yarp";
}
