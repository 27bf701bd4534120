namespace Autopilot.Contracts;

/// <summary>
/// One silo as the cluster's membership view holds it; <c>Activations</c> is null when the silo did not answer in time;
/// <c>Ended</c> says how a dead silo ended, as the answering silo saw it: <c>left</c> (a graceful stop) or <c>died</c>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiloSummary(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string Status,
    [property: Id(3)] int? Activations,
    [property: Id(4)] string? Ended = null);
