using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>
/// The silos of the cluster as the answering silo's own membership view holds them: no membership-table read, so it answers
/// while Consul is down; a silo that does not answer in time shows without its activation count instead of holding the call.
/// Stateless: one key (0), a worker per silo.
/// </summary>
public interface IClusterViewGrain : IGrainWithIntegerKey
{
    /// <summary>How many silos the answering silo's view holds Active; answered from memory, without calling another silo.</summary>
    [ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<int> ActiveSilos();

    /// <summary>The silos the view knows that are live or died recently, active ones first, then by name.</summary>
    [ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<IReadOnlyList<SiloSummary>> Silos();
}
