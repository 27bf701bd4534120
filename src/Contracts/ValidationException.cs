namespace Autopilot.Contracts;

/// <summary>
/// Input the API refuses (a name, location or phone that breaks <see cref="Validation"/>). The gateway answers 400 with its
/// message; any other exception is not the caller's fault and never becomes a 400.
/// </summary>
[GenerateSerializer]
public sealed class ValidationException(string message) : Exception(message);
