namespace Autopilot.Contracts;

/// <summary>
/// Grain storage failed under a call. Silos turn the storage provider's own exceptions (whose types a gateway does not
/// load) into this one. <see cref="MayHaveStored"/> is false when the store was never reached (no connection), so nothing
/// was written; true when the write was sent and its answer lost (a timeout), so it may have been stored.
/// </summary>
[GenerateSerializer]
public sealed class StorageFaultException(string message, bool mayHaveStored) : Exception(message)
{
    [Id(0)]
    public bool MayHaveStored { get; } = mayHaveStored;
}
