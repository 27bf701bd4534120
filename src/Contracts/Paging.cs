namespace Autopilot.Contracts;

/// <summary>How many rows a page of <c>/customers</c> or <c>/sales</c> may hold.</summary>
public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Why <paramref name="limit"/> is not a page size, or null.</summary>
    public static string? LimitError(int limit) =>
        limit is >= 1 and <= MaxLimit ? null : $"limit must be between 1 and {MaxLimit}; it is {limit}.";
}
