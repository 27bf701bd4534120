using Orleans.Concurrency;

namespace Autopilot.Grains;

/// <summary>
/// One of <see cref="GrainRecordIndex.Buckets"/> slices of a record index, keyed <c>{kind}/{bucket}</c>; a name lives in the
/// bucket its hash picks, so no single grain sees every create.
/// </summary>
public interface IIndexBucketGrain : IGrainWithStringKey
{
    /// <summary>Adds a name; stored before it returns. Adding a known name does nothing.</summary>
    Task Add(string name);

    /// <summary>Up to <paramref name="count"/> names of this bucket after <paramref name="after"/>, in <see cref="NameOrder"/>.</summary>
    [AlwaysInterleave, ReadOnly, ResponseTimeout(Contracts.Reads.Timeout)]
    Task<IReadOnlyList<string>> After(string? after, int count);
}
