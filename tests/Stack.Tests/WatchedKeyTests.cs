using System.Net;
using System.Text;
using Autopilot.Stack.Demo;

namespace Autopilot.Stack.Tests;

/// <summary>The demo's watched customer: an answer counts only for the key it was asked for.</summary>
[Trait("Category", "unit")]
public sealed class WatchedKeyTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_answer_still_in_flight_for_the_key_watched_before_does_not_count_for_the_new_one()
    {
        var handler = new Answers();
        using var front = new HttpClient(handler) { BaseAddress = new Uri("http://front.invalid") };
        await using var watched = new WatchedKey(front, "ACME Corporation");
        await handler.AcmeAsked.Task.WaitAsync(Generous);

        // The demo's crash step switches the watch while the read of ACME Corporation is out; that read then answers, and
        // the watch (one read at a time) asks for the new key only once it has taken that answer.
        watched.Watch("Demo Co 1");
        handler.ReleaseAcme.SetResult();
        await handler.DemoAsked.Task.WaitAsync(Generous);
        Assert.Equal(("-", TimeSpan.Zero), (watched.Source, watched.LastAnswer));

        handler.ReleaseDemo.SetResult();
        var deadline = DateTime.UtcNow + Generous;
        while (watched.Source == "-" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(("silo-2", "City of Demo Co 1"), (watched.Source, watched.Location));
    }

    // ACME Corporation's read answers from silo-1, in Atlanta, once released; Demo Co 1's from silo-2, once released.
    private sealed class Answers : HttpMessageHandler
    {
        public TaskCompletionSource AcmeAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseAcme { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource DemoAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseDemo { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Uri.UnescapeDataString(request.RequestUri!.AbsolutePath) == "/customers/ACME Corporation")
            {
                AcmeAsked.TrySetResult();
                await ReleaseAcme.Task.WaitAsync(cancellationToken);
                return Json("ACME Corporation", "Atlanta", "silo-1");
            }

            DemoAsked.TrySetResult();
            await ReleaseDemo.Task.WaitAsync(cancellationToken);
            return Json("Demo Co 1", "City of Demo Co 1", "silo-2");
        }

        private static HttpResponseMessage Json(string company, string location, string source) => new(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"company":"{{company}}","location":"{{location}}","source":"{{source}}"}""", Encoding.UTF8, "application/json"),
        };
    }
}
