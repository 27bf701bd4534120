namespace Autopilot.Testing;

/// <summary>A process a test started could not bind one of its ports: <see cref="TestPorts.Retry{T}"/> starts it again on new ones.</summary>
public sealed class PortInUseException(string message) : Exception(message);
