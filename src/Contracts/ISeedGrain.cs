namespace Autopilot.Contracts;

/// <summary>Puts the workshop's records in place the first time a cluster starts on empty storage.</summary>
public interface ISeedGrain : IGrainWithIntegerKey
{
    /// <summary>Seeds once per storage; later calls do nothing. Returns true if this call seeded.</summary>
    Task<bool> EnsureSeeded();
}
