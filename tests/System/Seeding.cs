using System.Collections.Concurrent;
using System.Text.Json;
using Autopilot.Stack.Traffic;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// The customers a story writes to set up what it then tests, written as the README tells a client to write
/// (<see cref="CarefulWrite"/>: a 504 or 502, whose outcome is unknown, and a 503 or 429 are sent again, within a bound).
/// A write that still fails after the bound fails the step with everything it met; every write that had to be sent again
/// is printed among the run's figures, so that a stalled silo on a busy machine shows instead of failing a story about
/// something else.
/// </summary>
internal static class Seeding
{
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task Customers(string story, HttpClient front, IReadOnlyList<string> names, Func<string, string> location, int inFlight)
    {
        var sentAgain = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (name, token) =>
        {
            var (answer, sentAgainAfter) = await CarefulWrite.PutAsJsonAsync(front, $"/customers/{Uri.EscapeDataString(name)}", new { location = location(name) }, Json, Within, token);
            using (answer)
            {
                var earlier = sentAgainAfter.Count == 0 ? "" : $" (sent again after {string.Join(", ", sentAgainAfter)})";
                Assert.True(answer.IsSuccessStatusCode, $"PUT {name}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(token)}{earlier}");
                if (sentAgainAfter.Count > 0)
                {
                    sentAgain.Enqueue($"{name}{earlier}");
                }
            }
        });
        if (!sentAgain.IsEmpty)
        {
            TestFigures.Print($"{story}: {sentAgain.Count} of {names.Count} set-up writes were sent again: {string.Join("; ", sentAgain.Take(10))}");
        }
    }
}
