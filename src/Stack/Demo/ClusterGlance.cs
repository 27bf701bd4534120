using System.Text.Json;

namespace Autopilot.Stack.Demo;

/// <summary>The front door's <c>/cluster</c> as the demo reads it: the active silos and their activations.</summary>
public sealed record ClusterGlance(IReadOnlyList<(string Name, string Status, int? Activations)> Silos)
{
    public IEnumerable<(string Name, int Activations)> Active =>
        Silos.Where(s => s.Status == "Active").Select(s => (s.Name, s.Activations ?? 0));

    /// <summary>The largest share of the activations that one active silo holds (0 to 1).</summary>
    public double LargestShare => Active.Sum(s => s.Activations) is var total and > 0 ? Active.Max(s => s.Activations) / (double)total : 1;

    public override string ToString() => string.Join(", ", Active.Select(s => $"{s.Name} {s.Activations}"));

    public static async Task<ClusterGlance?> Read(HttpClient front)
    {
        try
        {
            using var document = JsonDocument.Parse(await front.GetStringAsync("/cluster"));
            return new ClusterGlance([.. document.RootElement.GetProperty("silos").EnumerateArray().Select(s => (
                s.GetProperty("name").GetString() ?? "",
                s.GetProperty("status").GetString() ?? "",
                s.GetProperty("activations").ValueKind == JsonValueKind.Number ? s.GetProperty("activations").GetInt32() : (int?)null))]);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }
}
