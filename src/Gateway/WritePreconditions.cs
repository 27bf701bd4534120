using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Autopilot.Gateway;

/// <summary>
/// A <c>PUT</c>'s <c>If-Match</c> and <c>If-None-Match</c> (RFC 9110 §13.1.1, §13.1.2), read into the
/// <see cref="WritePrecondition"/> that the record's grain evaluates in its write's turn. A header that is not <c>*</c> or a
/// list of entity tags is a 400.
/// </summary>
public static class WritePreconditions
{
    /// <summary>The request's preconditions (null when it sends neither header), or the problem with one of them.</summary>
    public static (WritePrecondition? Precondition, ProblemHttpResult? Problem) Parse(HttpRequest request)
    {
        var (ifMatch, matchProblem) = Tags(request.Headers.IfMatch, HeaderNames.IfMatch);
        var (ifNoneMatch, noneMatchProblem) = Tags(request.Headers.IfNoneMatch, HeaderNames.IfNoneMatch);
        if ((matchProblem ?? noneMatchProblem) is { } problem)
        {
            return (null, problem);
        }

        return ifMatch is null && ifNoneMatch is null ? (null, null) : (new WritePrecondition(ifMatch, ifNoneMatch), null);
    }

    private static (IReadOnlyList<string>? Tags, ProblemHttpResult? Problem) Tags(StringValues values, string header)
    {
        if (values.Count == 0)
        {
            return (null, null);
        }

        if (!EntityTagHeaderValue.TryParseStrictList(values, out var tags) || tags.Count == 0 || (tags.Count > 1 && tags.Contains(EntityTagHeaderValue.Any)))
        {
            return (null, Problems.BadRequest($"{header} must be * or a list of entity tags, such as \"abc\" or W/\"abc\"; it is '{values}'."));
        }

        return ([.. tags.Select(tag => tag.Equals(EntityTagHeaderValue.Any) ? WritePrecondition.Any : tag.ToString())], null);
    }
}
