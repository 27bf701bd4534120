namespace Autopilot.Contracts;

/// <summary>
/// The preconditions of a conditional <c>PUT</c> (RFC 9110 §13.1.1, §13.1.2): <c>If-Match</c> and <c>If-None-Match</c>, each
/// <c>*</c> or a list of entity tags as sent (<c>"x"</c>, <c>W/"x"</c>), absent when the header was. The record's grain
/// evaluates them in its write's turn, against the record as a <c>GET</c> would answer it then (<see cref="EntityTags"/>),
/// so no other write of the record comes between the check and the store.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WritePrecondition(
    [property: Id(0)] IReadOnlyList<string>? IfMatch,
    [property: Id(1)] IReadOnlyList<string>? IfNoneMatch)
{
    /// <summary>The header value that stands for any current representation.</summary>
    public const string Any = "*";

    /// <summary>
    /// Why the write must not run, or null if it may. <paramref name="current"/> is the ETag of the record as a read would
    /// answer it now, null when there is no such record. <c>If-Match</c> compares strongly (a weak tag never matches),
    /// <c>If-None-Match</c> weakly, in the RFC's order.
    /// </summary>
    public string? Failure(string? current)
    {
        if (IfMatch is { } ifMatch && !ifMatch.Any(tag => current is not null && (tag == Any || (!IsWeak(tag) && tag == current))))
        {
            return current is null
                ? "If-Match asks for a record that exists, and there is none."
                : $"If-Match names none of the record's current ETag {current}: it changed since it was read. Read it again.";
        }

        if (IfNoneMatch is { } ifNoneMatch && ifNoneMatch.Any(tag => current is not null && (tag == Any || Opaque(tag) == current)))
        {
            return ifNoneMatch.Contains(Any)
                ? "If-None-Match: * asks that no record exists yet, and one does."
                : $"If-None-Match names the record's current ETag {current}.";
        }

        return null;
    }

    private static bool IsWeak(string tag) => tag.StartsWith("W/", StringComparison.Ordinal);

    private static string Opaque(string tag) => IsWeak(tag) ? tag[2..] : tag;
}
