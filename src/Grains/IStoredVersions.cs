namespace Autopilot.Grains;

/// <summary>
/// Reads the version (etag) that grain storage holds for a record, without the record itself: what the fenced read
/// (<see cref="CommittedState{T}.Current"/>) compares, for a fraction of a record's read (no payload sent, nothing
/// deserialized). The silo registers one for a store that can (Redis: <c>HGET</c> of the record's <c>etag</c> field), and
/// <see cref="None"/> for one that cannot, whose fenced reads then read the whole record as before.
/// </summary>
public interface IStoredVersions
{
    /// <summary>For a store that cannot read a version alone.</summary>
    static readonly IStoredVersions None = new NoVersions();

    /// <summary>Whether this store reads versions alone.</summary>
    bool Supported { get; }

    /// <summary>The version storage holds now for <paramref name="grainId"/>'s record <paramref name="stateName"/> (none: no record).</summary>
    Task<StoredVersion> Read(string stateName, GrainId grainId);

    /// <summary>A reader of one grain's version, for <see cref="CommittedState{T}"/>; null when the store cannot read one alone.</summary>
    Func<Task<StoredVersion>>? Reader(string stateName, IGrainContext grain) => Supported ? () => Read(stateName, grain.GrainId) : null;

    private sealed class NoVersions : IStoredVersions
    {
        public bool Supported => false;

        public Task<StoredVersion> Read(string stateName, GrainId grainId) =>
            throw new NotSupportedException("This grain storage reads no version alone: the fenced read reads the record.");
    }
}

/// <summary>The version (etag) storage holds for a record; null when it holds no record.</summary>
public sealed record StoredVersion(string? Etag);
