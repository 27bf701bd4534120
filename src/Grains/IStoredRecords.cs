namespace Autopilot.Grains;

/// <summary>
/// Reads records straight from grain storage, past their activations: what lets a page of a table be read as one step
/// (<see cref="TablesGrain"/>) instead of a grain call per row. A stored record is what its activation would answer once
/// its fenced read proved it current (<see cref="CommittedState{T}.Current"/>): a write is stored before it is
/// acknowledged, and another activation can only write through the version fence. The silo registers one for a store
/// that can (Redis: a page is one script), and <see cref="None"/> for one that cannot, whose pages then ask each row's
/// grain as before.
/// </summary>
public interface IStoredRecords
{
    /// <summary>For a store that cannot read records past their activations.</summary>
    static readonly IStoredRecords None = new NoRecords();

    /// <summary>
    /// Whether this store reads <paramref name="table"/>'s records past their activations (Redis: when the storage's
    /// serializer writes the fields as JSON that a script can read).
    /// </summary>
    bool Reads(StoredTable table);

    /// <summary>
    /// Up to <paramref name="count"/> names of <paramref name="table"/>'s index after <paramref name="after"/> (all when null),
    /// in <see cref="NameOrder"/>, each with the fields its record holds and the fields of the record its link names, all
    /// read at one instant. Only where <see cref="Reads"/> says so.
    /// </summary>
    Task<IReadOnlyList<StoredRow>> Page(StoredTable table, string? after, int count, CancellationToken cancellationToken = default);

    private sealed class NoRecords : IStoredRecords
    {
        public bool Reads(StoredTable table) => false;

        public Task<IReadOnlyList<StoredRow>> Page(StoredTable table, string? after, int count, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("This grain storage reads no record past its activation: a page asks each row's grain.");
    }
}

/// <summary>
/// A kind of stored record: its grains' type, the name of the state they store (<c>[PersistentState]</c>), the state's
/// type and which of its properties (strings) a page reads.
/// </summary>
public sealed record StoredFields(GrainType Type, string StateName, Type State, IReadOnlyList<string> Properties);

/// <summary>
/// What a page of a table reads: the index <see cref="Kind"/> (<see cref="IRecordIndex"/>), its rows' records, the
/// property of theirs that names a record of <see cref="Linked"/>'s kind, and what it reads of that one.
/// </summary>
public sealed record StoredTable(string Kind, StoredFields Rows, string Link, StoredFields Linked)
{
    /// <summary>Where <see cref="Link"/> is among <see cref="Rows"/>' properties.</summary>
    public int LinkAt { get; } = Rows.Properties.ToList().IndexOf(Link) is var at and >= 0
        ? at
        : throw new ArgumentException($"The link '{Link}' is not among the rows' properties ({string.Join(", ", Rows.Properties)}).", nameof(Link));
}

/// <summary>
/// A row as storage holds it. <see cref="Fields"/> are its record's properties in <see cref="StoredFields.Properties"/>'
/// order, null when storage holds no record for <see cref="Name"/>; <see cref="Linked"/> the linked record's, null when
/// the row links to none or storage holds none at the other end.
/// </summary>
public sealed record StoredRow(string Name, IReadOnlyList<string?>? Fields, IReadOnlyList<string?>? Linked);
