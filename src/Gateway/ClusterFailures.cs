namespace Autopilot.Gateway;

/// <summary>
/// Which failures of a grain call mean it certainly did not run: the cluster refused it unprocessed (a silo stopping, an
/// activation moving), or placement (it expired or timed out) and activation failed before it reached a grain (Orleans gives
/// those no type of their own, only a message). Such a call is safe to send again, a write included, and its request answers 503.
/// </summary>
public static class ClusterFailures
{
    public static bool NeverRan(Exception exception) => exception switch
    {
        SiloUnavailableException => false,
        OrleansMessageRejectionException => true,
        OperationCanceledException e => e.Message.StartsWith("Message expired before placement", StringComparison.Ordinal),
        TimeoutException e => e.Message.StartsWith("Grain placement operation timed out", StringComparison.Ordinal),
        OrleansException e => e.Message.StartsWith("Trying to register ", StringComparison.Ordinal),
        _ => false,
    };
}
