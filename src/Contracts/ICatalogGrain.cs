using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>The names of every record of one kind, kept so that the whole table can be listed. Keyed by <see cref="Catalogs"/>.</summary>
public interface ICatalogGrain : IGrainWithStringKey
{
    /// <summary>Adds a name; stored before it returns. Adding a known name does nothing.</summary>
    Task Add(string name);

    /// <summary>Every name, in ordinal order.</summary>
    [AlwaysInterleave, ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<IReadOnlyList<string>> List();
}
