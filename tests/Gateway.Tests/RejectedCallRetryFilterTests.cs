using System.Reflection;
using Autopilot.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autopilot.Gateway.Tests;

/// <summary>Which failed grain calls the gateway sends again: never a write that may have run.</summary>
[Trait("Category", "unit")]
public sealed class RejectedCallRetryFilterTests
{
    private static readonly MethodInfo Read = typeof(ICustomerGrain).GetMethod(nameof(ICustomerGrain.Get))!;
    private static readonly MethodInfo Write = typeof(ICustomerGrain).GetMethod(nameof(ICustomerGrain.Put))!;

    public static TheoryData<string, Exception> SafeToRetry => new()
    {
        { "rejected unprocessed", Rejection() },
        { "placement timed out", new TimeoutException("Grain placement operation timed out for grain customer/x.") },
    };

    [Theory]
    [MemberData(nameof(SafeToRetry))]
    public async Task A_rejected_call_is_sent_again_whether_read_or_write(string what, Exception failure)
    {
        foreach (var method in new[] { Read, Write })
        {
            var call = FakeGrainCall.Failing(method, failure, failures: 2);
            await Filter().Invoke(call);
            Assert.True(call.Attempts == 3, $"{what}, {method.Name}: {call.Attempts} attempts");
        }
    }

    [Fact]
    public async Task A_read_that_timed_out_lost_its_silo_or_met_a_superseded_activation_is_sent_again()
    {
        foreach (var failure in new Exception[]
        {
            new TimeoutException("no answer in 3 s"),
            new SiloUnavailableException("silo died"),
            new Orleans.Storage.InconsistentStateException("This activation's copy of the record is superseded", "etag-2", "etag-1"),
        })
        {
            var call = FakeGrainCall.Failing(Read, failure, failures: 2);
            await Filter().Invoke(call);
            Assert.Equal(3, call.Attempts);
        }
    }

    [Fact]
    public async Task A_write_that_timed_out_lost_its_silo_or_met_a_version_conflict_is_not_sent_again()
    {
        foreach (var failure in new Exception[]
        {
            new TimeoutException("no answer in 10 s"),
            new SiloUnavailableException("silo died"),
            new Orleans.Storage.InconsistentStateException("Version conflict (WriteStateAsync)", "etag-2", "etag-1"),
        })
        {
            var call = FakeGrainCall.Failing(Write, failure, failures: 1);
            var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Filter().Invoke(call));
            Assert.Same(failure, thrown);
            Assert.Equal(1, call.Attempts);
        }
    }

    [Fact]
    public async Task A_refusal_by_the_grain_is_not_sent_again()
    {
        var call = FakeGrainCall.Failing(Write, new ArgumentException("location is required."), failures: 1);
        await Assert.ThrowsAsync<ArgumentException>(() => Filter().Invoke(call));
        Assert.Equal(1, call.Attempts);
    }

    [Fact]
    public async Task Retries_stop_after_a_bounded_number_of_attempts()
    {
        var call = FakeGrainCall.Failing(Read, new TimeoutException("no answer"), failures: int.MaxValue);
        await Assert.ThrowsAsync<TimeoutException>(() => Filter().Invoke(call));
        Assert.Equal(9, call.Attempts);
    }

    internal static RejectedCallRetryFilter Filter() => new(NullLogger<RejectedCallRetryFilter>.Instance);

    internal static OrleansMessageRejectionException Rejection() =>
        (OrleansMessageRejectionException)Activator.CreateInstance(
            typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, ["Exception while sending message"], null)!;
}
