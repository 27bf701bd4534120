namespace Autopilot.Hosting;

/// <summary>What a host says of itself in its ready and stopping lines; each host registers one.</summary>
public interface IReadyLine
{
    /// <summary>The instance's name, as it shows in Consul, <c>/cluster</c> and the rows' <c>source</c>.</summary>
    string Name { get; }

    /// <summary>What it serves and where, asked once the host has started.</summary>
    string Details { get; }

    /// <summary>What it does on SIGTERM, e.g. "deregistering, then draining requests".</summary>
    string Stopping { get; }
}
