using System.Collections.Concurrent;
using System.Diagnostics;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// The spans of one request, as ASP.NET Core and Orleans record them in this process: a listener that keeps the stopped
/// activities of one known trace id, and <see cref="Send"/>, which sends a request carrying that trace, sampled.
/// </summary>
internal sealed class RecordedTrace : IDisposable
{
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;

    public RecordedTrace()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == TraceId)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    public ActivityTraceId TraceId { get; } = ActivityTraceId.CreateRandom();

    /// <summary>The trace's spans stopped so far.</summary>
    public List<Activity> Stopped => [.. stopped];

    /// <summary>GET <paramref name="path"/> with a sampled <c>traceparent</c> of this trace; throws unless it answers 2xx.</summary>
    public async Task Send(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{TraceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => listener.Dispose();
}
