namespace Autopilot.Contracts;

/// <summary>
/// A conditional write whose precondition did not hold (<see cref="WritePrecondition"/>): nothing was stored. The gateway
/// answers 412 with its message.
/// </summary>
[GenerateSerializer]
public sealed class PreconditionFailedException(string message) : Exception(message);
