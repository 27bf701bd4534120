using Orleans.Storage;

namespace Autopilot.Silo;

/// <summary>
/// Grain storage whose failures every caller can read: the provider's own exceptions (Redis's, from assemblies a gateway does
/// not carry) leave as <see cref="Contracts.StorageFaultException"/>, through <see cref="BoundaryExceptionFilter.Translate"/>.
/// This also covers the read at activation, which fails before any grain call filter runs.
/// </summary>
public sealed class PortableGrainStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Portable(() => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Portable(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Portable(() => inner.ClearStateAsync(stateName, grainId, grainState));

    private static async Task Portable(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception e) when (!BoundaryExceptionFilter.IsPortable(e))
        {
            throw BoundaryExceptionFilter.Translate(e);
        }
    }
}
