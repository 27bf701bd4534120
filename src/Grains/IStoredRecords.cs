namespace Autopilot.Grains;

/// <summary>
/// Reads records straight from grain storage, past their activations: what lets a page of a table be read as one step
/// (<see cref="TablesGrain"/>) instead of a grain call per row. A stored record is what its activation would answer once
/// its fenced read proved it current (<see cref="CommittedState{T}.Current"/>): a write is stored before it is
/// acknowledged, and another activation can only write through the version fence. The silo registers one for a store
/// that can (Redis: the index and the records in one script), and <see cref="None"/> for one that cannot, whose pages
/// then ask each row's grain as before.
/// </summary>
public interface IStoredRecords
{
    /// <summary>For a store that cannot read records past their activations.</summary>
    static readonly IStoredRecords None = new NoRecords();

    /// <summary>Whether this store reads records past their activations.</summary>
    bool Supported { get; }

    /// <summary>
    /// Up to <paramref name="count"/> names of <paramref name="kind"/>'s index after <paramref name="after"/> (all when null),
    /// in <see cref="NameOrder"/>, each with its record <paramref name="stateName"/> of the grain type <paramref name="type"/>
    /// as storage holds it, all read at one instant.
    /// </summary>
    Task<IReadOnlyList<StoredRecord<T>>> Page<T>(string kind, GrainType type, string stateName, string? after, int count, CancellationToken cancellationToken = default)
        where T : class;

    /// <summary>The records <paramref name="stateName"/> of the grains <paramref name="names"/> of type <paramref name="type"/>, in that order, all read at one instant.</summary>
    Task<IReadOnlyList<StoredRecord<T>>> Read<T>(GrainType type, string stateName, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
        where T : class;

    private sealed class NoRecords : IStoredRecords
    {
        public bool Supported => false;

        public Task<IReadOnlyList<StoredRecord<T>>> Page<T>(string kind, GrainType type, string stateName, string? after, int count, CancellationToken cancellationToken = default)
            where T : class =>
            throw new NotSupportedException("This grain storage reads no record past its activation: a page asks each row's grain.");

        public Task<IReadOnlyList<StoredRecord<T>>> Read<T>(GrainType type, string stateName, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
            where T : class =>
            throw new NotSupportedException("This grain storage reads no record past its activation: a page asks each row's grain.");
    }
}

/// <summary>A record as storage holds it: <see cref="State"/> is null when storage holds none for <see cref="Name"/>.</summary>
public sealed record StoredRecord<T>(string Name, T? State)
    where T : class;
