using Autopilot.Contracts;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Every failure the cluster can hand a request maps to the status that tells the truth: 400 only for refused input, 412 for
/// a conditional write whose precondition failed, 503
/// when nothing ran (every read, and writes refused unprocessed or never stored), 504 when a write's outcome is unknown,
/// and anything else is a bug left to the framework's 500.
/// </summary>
[Trait("Category", "unit")]
public sealed class StatusCodeTests
{
    public static TheoryData<Exception, bool, int> Cases() => new()
    {
        { new ValidationException("location is required."), false, 400 },
        { new ValidationException("limit must be between 1 and 1000; it is 0."), true, 400 },
        { new PreconditionFailedException("If-Match names none of the record's current ETag."), false, 412 },
        { new ArgumentException("a bug, not the caller's input"), false, 0 },
        { new InvalidOperationException("a bug"), true, 0 },
        { new NullReferenceException(), false, 0 },
        { Rejection("the silo is stopping"), false, 503 },
        { new SiloUnavailableException("the silo died mid-call"), true, 503 },
        { new SiloUnavailableException("the silo died mid-call"), false, 504 },
        { new TimeoutException("no answer"), true, 503 },
        { new TimeoutException("no answer"), false, 504 },
        { new StorageFaultException("no connection to Redis", mayHaveStored: false), false, 503 },
        { new StorageFaultException("Redis timed out", mayHaveStored: true), false, 504 },
        { new StorageFaultException("Redis timed out", mayHaveStored: true), true, 503 },
        { new OperationCanceledException("Message expired before placement could complete for grain customer/x"), false, 503 },
        { new OperationCanceledException("cancelled"), false, 504 },
        { new TimeoutException("Grain placement operation timed out for grain customer/x."), false, 503 },
        { new TimeoutException("Response did not arrive on time in 00:00:10 for message: Request customer/x"), false, 504 },
        { new OrleansException("Trying to register customer/x on invalid silo: S127.0.0.1:1:1. Known status: Dead"), false, 503 },
        { new OrleansException("something in the cluster"), false, 504 },
        { new OrleansException("something in the cluster"), true, 503 },
    };

    /// <summary>Orleans raises this itself (its constructors are internal): a call refused before it ran.</summary>
    private static Exception Rejection(string message) => (Exception)Activator.CreateInstance(
        typeof(OrleansMessageRejectionException), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, [message], null)!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_failure_maps_to_the_status_that_says_whether_the_request_ran(Exception exception, bool read, int status)
    {
        Assert.Equal(status, ClusterExceptionHandler.Classify(exception, read).Status);
    }

    [Fact]
    public void A_504_says_the_write_may_have_been_stored_and_PUT_is_safe_to_repeat()
    {
        var (_, _, detail) = ClusterExceptionHandler.Classify(new TimeoutException("no answer"), read: false);

        Assert.Contains("may or may not have been stored", detail, StringComparison.Ordinal);
        Assert.Contains("PUT is idempotent", detail, StringComparison.Ordinal);
    }
}
