namespace Autopilot.Hosting;

/// <summary>
/// A host could not start for a reason it can state plainly (a dependency stayed unreachable past its bounded wait);
/// <see cref="AutopilotHost"/> prints the message alone and exits with <see cref="ExitCodes.Failed"/>.
/// </summary>
public sealed class StartupFailedException(string message, Exception? innerException = null) : Exception(message, innerException);
