using System.IO.Hashing;
using System.Text;

namespace Autopilot.Grains;

/// <summary>
/// The record index as grains, for the in-memory mode (grain state in memory, no Redis): names hashed over a fixed number of
/// <see cref="IIndexBucketGrain"/>s, so a create touches one small bucket. A page asks every bucket for its next names and
/// merges them: a fixed fan-out, whatever the number of records.
/// </summary>
public sealed class GrainRecordIndex(IGrainFactory grains) : IRecordIndex
{
    public const int Buckets = 16;

    public Task Add(string kind, string name, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IIndexBucketGrain>($"{kind}/{Bucket(name)}").Add(name).WaitAsync(cancellationToken);

    public async Task<IReadOnlyList<string>> After(string kind, string? after, int count, CancellationToken cancellationToken = default)
    {
        var slices = await Task.WhenAll(Enumerable.Range(0, Buckets)
            .Select(bucket => grains.GetGrain<IIndexBucketGrain>($"{kind}/{bucket}").After(after, count))).WaitAsync(cancellationToken);
        return [.. slices.SelectMany(slice => slice).Order(NameOrder.Instance).Take(count)];
    }

    /// <summary>A hash that every silo computes alike (string.GetHashCode differs per process).</summary>
    public static int Bucket(string name) => (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(name)) % Buckets);
}
