namespace Autopilot.Contracts;

/// <summary>The outcome of <see cref="ISalesRepGrain.Put"/>: the stored row, or why nothing was stored.</summary>
[GenerateSerializer, Immutable]
public sealed record SalesRepPutResult(
    [property: Id(0)] SalesRepRecord? Record,
    [property: Id(1)] string? UnknownClient)
{
    public static SalesRepPutResult Stored(SalesRepRecord record) => new(record, null);

    public static SalesRepPutResult ClientNotFound(string client) => new(null, client);
}
