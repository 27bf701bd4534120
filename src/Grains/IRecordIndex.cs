namespace Autopilot.Grains;

/// <summary>
/// The names of every record of a kind (<see cref="Contracts.Catalogs"/>), kept so that a table can be paged in name order.
/// A create adds its name before its record is stored: a name without a record (a create cut short) is skipped by readers,
/// a record missing from the index would be lost to them. The silo chooses the implementation with its storage: a Redis
/// sorted set beside grain state in Redis, or <see cref="GrainRecordIndex"/> in memory.
/// </summary>
public interface IRecordIndex
{
    /// <summary>Adds <paramref name="name"/>; stored before it returns; adding a known name changes nothing.</summary>
    Task Add(string kind, string name, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="count"/> names after <paramref name="after"/> (all when null), in <see cref="NameOrder"/>.</summary>
    Task<IReadOnlyList<string>> After(string kind, string? after, int count, CancellationToken cancellationToken = default);
}
