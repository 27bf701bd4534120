using Autopilot.Contracts;

namespace Autopilot.Grains;

public sealed class CatalogGrain(
    [PersistentState("catalog", GrainStorage.Name)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    public async Task Add(string name)
    {
        var names = state.State.Names;
        var index = names.BinarySearch(name, StringComparer.Ordinal);
        if (index >= 0)
        {
            return;
        }

        names.Insert(~index, name);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not listed: keep memory equal to storage.
            names.RemoveAt(~index);
            throw;
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Names]);
}
