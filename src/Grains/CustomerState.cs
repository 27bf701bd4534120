namespace Autopilot.Grains;

/// <summary>Immutable: a change is a new state, stored before anyone reads it (<see cref="CommittedState{T}"/>).</summary>
[GenerateSerializer]
public sealed record CustomerState
{
    [Id(0)] public string Location { get; init; } = "";

    /// <summary>The rep that last took this customer; a link counts only while that rep still claims the customer.</summary>
    [Id(1)] public string? Rep { get; init; }

    /// <summary>
    /// Which assignment of <see cref="Rep"/> this is (a new one each time a rep takes the customer): a release names the
    /// assignment it ends, so one that arrives late cannot end a later one. Null in records stored before it existed.
    /// </summary>
    [Id(2)] public string? RepAssignment { get; init; }
}
