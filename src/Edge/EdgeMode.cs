namespace Autopilot.Edge;

/// <summary>What serves the front door: <see cref="Auto"/> picks nginx when it is installed, YARP otherwise.</summary>
public enum EdgeMode
{
    Auto,
    Nginx,
    Yarp,
}
