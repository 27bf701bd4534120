using System.Net;
using System.Net.Http.Headers;

namespace Autopilot.Stack.Tests;

/// <summary>A front door that answers each request with the next answer of its script, and measures the wait before the last request.</summary>
internal sealed class Scripted(params Func<HttpResponseMessage>[] script) : HttpMessageHandler
{
    private readonly System.Diagnostics.Stopwatch sinceLast = new();

    public int Asked { get; private set; }

    public TimeSpan Waited { get; private set; }

    /// <summary>A refusal with its Retry-After.</summary>
    public static Func<HttpResponseMessage> Refused(HttpStatusCode status, int retryAfterSeconds) => () =>
    {
        var response = Answer(status)();
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds));
        return response;
    };

    public static Func<HttpResponseMessage> Answer(HttpStatusCode status) => () => new HttpResponseMessage(status) { Content = new StringContent("{}") };

    /// <summary>A connection closed before any answer.</summary>
    public static Func<HttpResponseMessage> Closed() => () => throw new HttpRequestException("The response ended prematurely.");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Waited = sinceLast.Elapsed;
        sinceLast.Restart();
        return Task.FromResult(script[Asked++]());
    }
}
