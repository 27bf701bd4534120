namespace Autopilot.Testing;

/// <summary>Consecutive ports from <see cref="TestPorts.Span"/>, reserved against every other test process until disposed.</summary>
public sealed class PortSpan(int first, int count, IReadOnlyList<FileStream> locks) : IDisposable
{
    public int First { get; } = first;

    public int Count { get; } = count;

    public void Dispose()
    {
        foreach (var stream in locks)
        {
            stream.Dispose();
        }
    }
}
