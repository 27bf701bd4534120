using Orleans.Placement;

namespace StaleGenerationConnection;

public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>The silo this activation lives on.</summary>
    Task<string> Where();

    /// <summary>
    /// Answers <paramref name="bytes"/> bytes after <paramref name="milliseconds"/>: calls in flight on the connection, and
    /// answers that take a while to write.
    /// </summary>
    Task<byte[]> Sleep(int milliseconds, int bytes);
}

/// <summary>Placed on the silo that calls it first, so the driver chooses where each probe lives.</summary>
[PreferLocalPlacement]
public sealed class ProbeGrain(ILocalSiloDetails silo) : Grain, IProbeGrain
{
    public Task<string> Where() => Task.FromResult(silo.SiloAddress.ToString());

    public async Task<byte[]> Sleep(int milliseconds, int bytes)
    {
        await Task.Delay(milliseconds);
        return new byte[bytes];
    }
}
