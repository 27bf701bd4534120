using Autopilot.Stack.Containers;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Chaos;

/// <summary>
/// What a <see cref="ChaosScenario"/> acts on and reports to: the deployment as it stands when the scenario begins (its
/// running silos, gateways, Redis and Consul servers), the silo whose keys the fault affects, when the fault began and
/// healed, and what it noted or found wrong on the way.
/// </summary>
public sealed class ScenarioRun
{
    private readonly Func<TimeSpan> now;
    private readonly List<string> notes = [];
    private readonly List<string> problems = [];
    private readonly List<TimeSpan> beginnings = [];

    internal ScenarioRun(ComposeProject project, HttpClient front, Func<TimeSpan> now, IReadOnlyList<string> silos, IReadOnlyList<string> gateways, string redis)
    {
        Project = project;
        Front = front;
        this.now = now;
        Silos = silos;
        Gateways = gateways;
        Redis = redis;
    }

    public ComposeProject Project { get; }

    public DockerEngine Engine => Project.Engine;

    public HttpClient Front { get; }

    /// <summary>The silo containers that run as the scenario begins.</summary>
    public IReadOnlyList<string> Silos { get; }

    /// <summary>The gateway containers that run as the scenario begins.</summary>
    public IReadOnlyList<string> Gateways { get; }

    public string Redis { get; }

    /// <summary>The silo whose keys the fault affects (null: none, every key counts as unaffected).</summary>
    public string? Target { get; private set; }

    /// <summary>Every key is affected (a fault of the whole cluster): none counts as unaffected.</summary>
    public bool AffectsAll { get; private set; }

    public string Fault { get; private set; } = "";

    /// <summary>When the fault first began (the first of <see cref="Beginnings"/>); null if it never did.</summary>
    public TimeSpan? FaultAt => beginnings.Count > 0 ? beginnings[0] : null;

    /// <summary>
    /// Each time the fault began: once, or once per round of a repeated fault. A key is affected if its grain lived on
    /// <see cref="Target"/> at any of them (<see cref="ChaosRunner.AffectedKeys"/>): a silo cut again after it came back
    /// has taken grains meanwhile.
    /// </summary>
    public IReadOnlyList<TimeSpan> Beginnings => beginnings;

    public TimeSpan? HealedAt { get; private set; }

    public IReadOnlyList<string> Notes => notes;

    public IReadOnlyList<string> Problems => problems;

    public TimeSpan Now => now();

    /// <summary>The keys whose grains live on <paramref name="silo"/> when the fault begins are the affected ones.</summary>
    public void Affect(string silo) => Target = silo;

    public void AffectAll() => AffectsAll = true;

    /// <summary>The fault is in place from now; <paramref name="description"/> says what it is.</summary>
    public void Began(string description)
    {
        Fault = description;
        beginnings.Add(Now);
    }

    /// <summary>The fault, healed since <see cref="Began"/>, is in place again from now (a repeated fault's next round).</summary>
    public void BeganAgain() => beginnings.Add(Now);

    /// <summary>The fault is healed from now.</summary>
    public void Healed() => HealedAt = Now;

    public void Note(string note) => notes.Add(note);

    /// <summary>Something the scenario expected did not happen: the run fails with it.</summary>
    public void Problem(string problem) => problems.Add(problem);

    /// <summary>Waits until the fault has lasted <paramref name="length"/> in all.</summary>
    public Task HoldFor(TimeSpan length) => FaultAt is { } at && at + length - Now is { } rest && rest > TimeSpan.Zero ? Task.Delay(rest) : Task.CompletedTask;

    /// <summary>
    /// Polls <paramref name="read"/> until <paramref name="holds"/>, for at most <paramref name="within"/>; returns how long
    /// it took, or null (and a problem naming <paramref name="what"/>) when it never held.
    /// </summary>
    public async Task<TimeSpan?> Until<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan within, string what)
    {
        var start = Now;
        string last = "";
        while (Now - start < within)
        {
            try
            {
                var value = await read();
                if (holds(value))
                {
                    return Now - start;
                }

                last = $"; last seen: {value}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException)
            {
                last = $"; last seen: {e.Message}";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        Problem($"{what}: still not true after {within.TotalSeconds:0} s{last}");
        return null;
    }

    /// <summary>How many times <paramref name="silo"/>'s log says it ended as a silo declared dead (exit code 3).</summary>
    public async Task<int> EndsAsDeclaredDead(string silo) =>
        CountOf(await Engine.Logs(silo), $"ending at once with exit code {Hosting.ExitCodes.DeclaredDead}");

    public Task<ClusterAnswer> Cluster() => ClusterAnswer.Read(Front);

    internal static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
