using Orleans.Storage;

namespace Autopilot.Grains;

/// <summary>What storage holds for a record right now, read past the activation's own copy.</summary>
public sealed record StoredCopy<T>(string? Etag, bool Exists, T State)
{
    /// <summary>Reads <paramref name="grain"/>'s record <paramref name="stateName"/> from <paramref name="store"/>, each time it is called.</summary>
    public static Func<Task<StoredCopy<T>>> Reader(IGrainStorage store, string stateName, IGrainContext grain) => async () =>
    {
        var copy = new GrainState<T>();
        await store.ReadStateAsync(stateName, grain.GrainId, copy);
        return new StoredCopy<T>(copy.ETag, copy.RecordExists, copy.State!);
    };
}
