using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Autopilot.Gateway;

/// <summary>
/// <c>?limit=L&amp;after=CURSOR</c> of a list: L rows (default <see cref="Paging.DefaultLimit"/>, at most
/// <see cref="Paging.MaxLimit"/>) after the cursor a previous page's <c>Link: rel="next"</c> gave. The cursor is opaque to
/// callers: the last name of the previous page, base64url-encoded.
/// </summary>
public sealed record PageRequest(int Limit, string? After)
{
    public static (PageRequest? Request, ProblemHttpResult? Problem) Parse(HttpRequest request)
    {
        var limit = Paging.DefaultLimit;
        if (request.Query["limit"] is { Count: > 0 } limitValues)
        {
            if (limitValues.Count > 1 || !int.TryParse(limitValues[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            {
                return (null, Problems.BadRequest($"limit must be a whole number between 1 and {Paging.MaxLimit}; it is '{limitValues}'."));
            }

            if (Paging.LimitError(limit) is { } error)
            {
                return (null, Problems.BadRequest(error));
            }
        }

        string? after = null;
        if (request.Query["after"] is { Count: > 0 } afterValues)
        {
            after = afterValues.Count == 1 ? Decode(afterValues[0]) : null;
            if (after is null || Validation.NameError("after", after) is not null)
            {
                return (null, Problems.BadRequest("after is not a cursor this API gave; take it from the Link header of the previous page."));
            }
        }

        return (new PageRequest(limit, after), null);
    }

    /// <summary>The <c>Link</c> header to the page after <paramref name="next"/>, or null at the end of the table.</summary>
    public string? NextLink(PathString path, string? next) =>
        next is null ? null : $"<{path}?limit={Limit.ToString(CultureInfo.InvariantCulture)}&after={Encode(next)}>; rel=\"next\"";

    public static string Encode(string name) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    private static string? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
