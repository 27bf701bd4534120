namespace Autopilot.Grains;

/// <summary>
/// The order of names in every table: by Unicode code point, which is the byte order of their UTF-8 (what a Redis sorted set
/// of equal scores sorts by). It differs from .NET's ordinal (UTF-16) order only for characters beyond the BMP.
/// </summary>
public sealed class NameOrder : IComparer<string>
{
    public static NameOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var left = x.EnumerateRunes();
        var right = y.EnumerateRunes();
        while (true)
        {
            var moreLeft = left.MoveNext();
            var moreRight = right.MoveNext();
            if (!moreLeft || !moreRight)
            {
                return moreLeft.CompareTo(moreRight);
            }

            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
