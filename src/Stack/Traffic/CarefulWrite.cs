using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Autopilot.Stack.Traffic;

/// <summary>
/// A write through the front door as a careful client makes it, following the README's table of answers: one that says
/// nothing was stored (503, 429) and one that says its outcome is unknown (504 from a gateway, 502 from nginx, a
/// connection closed before any answer) is sent again, since PUT is idempotent, after its Retry-After (1 s if it gives
/// none), until <c>within</c> has passed; any other answer is the result. For the writes a story makes to set up what it
/// tests (the rows a scale-out then spreads): on a busy machine a silo can stall past the gateways' patience, and a write
/// waiting on it answers 504 (docs/architecture.md, <c>GatewayProbes</c>). What was sent again is returned, so that the
/// story prints it rather than hides it.
/// </summary>
public static class CarefulWrite
{
    /// <summary>
    /// The answer to <c>PUT <paramref name="path"/></c> with <paramref name="value"/> as JSON, and the earlier outcomes
    /// that were sent again (a status, or an exception's type and message), oldest first.
    /// </summary>
    public static async Task<(HttpResponseMessage Answer, IReadOnlyList<string> SentAgainAfter)> PutAsJsonAsync<T>(
        HttpClient http, string path, T value, JsonSerializerOptions json, TimeSpan within, CancellationToken cancellationToken)
    {
        var sentAgainAfter = new List<string>();
        var askAgain = AskAgain.Within(
            within,
            outcome => outcome.Result?.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.GatewayTimeout or HttpStatusCode.BadGateway
                || outcome.Exception is HttpRequestException,
            outcome => sentAgainAfter.Add(outcome.Result is { } answered ? $"{(int)answered.StatusCode}" : $"{outcome.Exception!.GetType().Name}: {outcome.Exception.Message}"));
        var answer = await askAgain.ExecuteAsync(async token => await http.PutAsJsonAsync(path, value, json, token), cancellationToken);
        return (answer, sentAgainAfter);
    }
}
