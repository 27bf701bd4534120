namespace Autopilot.Contracts;

/// <summary>
/// One page of a table in name order. <c>Next</c> is the cursor of the following page (the last name this page covered),
/// or null when the table ends here.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Rows,
    [property: Id(1)] string? Next);
