using System.Net;

namespace Autopilot.Stack.Traffic;

/// <summary>
/// A read through the front door as a careful client makes it: an answer that says nothing was done and to ask again (503
/// from a cluster that is starting or moving the grain, 429 from the front door's per-client limits, which a read-back of
/// thousands of writes reaches) is asked again after its Retry-After (1 s if it gives none), until <c>within</c> has
/// passed; any other answer is the result. The read-backs of acknowledged writes (the tests, the demo) share it, so that
/// only an answer that lacks the write counts as a lost one.
/// </summary>
public static class CarefulRead
{
    /// <summary>
    /// The answer to <c>GET <paramref name="path"/></c>, and the status the first answer had (503 or 429 when it was asked
    /// again). A <paramref name="within"/> of zero or less (a read-back's time already spent) asks once.
    /// </summary>
    public static async Task<(HttpResponseMessage Answer, HttpStatusCode First)> GetAsync(HttpClient http, string path, TimeSpan within, CancellationToken cancellationToken)
    {
        HttpStatusCode? first = null;
        var askAgain = AskAgain.Within(within, outcome => outcome.Result?.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests);
        var answer = await askAgain.ExecuteAsync(async token =>
        {
            var response = await http.GetAsync(path, token);
            first ??= response.StatusCode;
            return response;
        }, cancellationToken);
        return (answer, first!.Value);
    }
}
