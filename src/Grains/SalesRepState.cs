namespace Autopilot.Grains;

/// <summary>Immutable: a change is a new state, stored before anyone reads it (<see cref="CommittedState{T}"/>).</summary>
[GenerateSerializer]
public sealed record SalesRepState
{
    [Id(0)] public string Phone { get; init; } = "";

    [Id(1)] public string? Client { get; init; }

    /// <summary>The client's assignment of this rep (<see cref="CustomerState.RepAssignment"/>); null when none, or stored before it existed.</summary>
    [Id(2)] public string? ClientAssignment { get; init; }
}
