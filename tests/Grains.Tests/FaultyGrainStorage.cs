using System.Collections.Concurrent;
using Orleans.Storage;

namespace Autopilot.Grains.Tests;

/// <summary>The memory store with failures on demand: the next write of a chosen grain throws, and stores nothing.</summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, bool> FailNext = new();

    /// <summary>Makes the next write of <paramref name="grain"/>'s state fail.</summary>
    public static void FailNextWrite(IAddressable grain) => FailNext[grain.GetGrainId()] = true;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        FailNext.TryRemove(grainId, out _)
            ? Task.FromException(new IOException($"Injected storage failure writing {stateName} of {grainId}."))
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
