namespace Autopilot.Grains;

public sealed class IndexBucketGrain(
    [PersistentState("index", GrainStorage.Name)] IPersistentState<IndexBucketState> state) : Grain, IIndexBucketGrain
{
    private readonly CommittedState<IndexBucketState> bucket = new(state);

    public async Task Add(string name)
    {
        var names = bucket.Value.Names;
        var index = names.BinarySearch(name, NameOrder.Instance);
        if (index >= 0)
        {
            return;
        }

        var next = new List<string>(names.Count + 1);
        next.AddRange(names);
        next.Insert(~index, name);
        await bucket.Commit(new IndexBucketState { Names = next });
    }

    public Task<IReadOnlyList<string>> After(string? after, int count)
    {
        var names = bucket.Value.Names;
        var start = 0;
        if (after is not null)
        {
            var index = names.BinarySearch(after, NameOrder.Instance);
            start = index >= 0 ? index + 1 : ~index;
        }

        return Task.FromResult<IReadOnlyList<string>>(names.GetRange(start, Math.Min(count, names.Count - start)));
    }
}
