using System.Reflection;
using Autopilot.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Invocation;

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
            var call = new FakeCall(method, failure, failures: 2);
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
            var call = new FakeCall(Read, failure, failures: 2);
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
            var call = new FakeCall(Write, failure, failures: 1);
            var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Filter().Invoke(call));
            Assert.Same(failure, thrown);
            Assert.Equal(1, call.Attempts);
        }
    }

    [Fact]
    public async Task A_refusal_by_the_grain_is_not_sent_again()
    {
        var call = new FakeCall(Write, new ArgumentException("location is required."), failures: 1);
        await Assert.ThrowsAsync<ArgumentException>(() => Filter().Invoke(call));
        Assert.Equal(1, call.Attempts);
    }

    [Fact]
    public async Task Retries_stop_after_a_bounded_number_of_attempts()
    {
        var call = new FakeCall(Read, new TimeoutException("no answer"), failures: int.MaxValue);
        await Assert.ThrowsAsync<TimeoutException>(() => Filter().Invoke(call));
        Assert.Equal(9, call.Attempts);
    }

    private static RejectedCallRetryFilter Filter() => new(NullLogger<RejectedCallRetryFilter>.Instance);

    private static OrleansMessageRejectionException Rejection() =>
        (OrleansMessageRejectionException)Activator.CreateInstance(
            typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, ["Exception while sending message"], null)!;

    /// <summary>A grain call that fails its first <c>failures</c> attempts with <c>failure</c>, then succeeds.</summary>
    private sealed class FakeCall(MethodInfo method, Exception failure, int failures) : IOutgoingGrainCallContext
    {
        public int Attempts { get; private set; }

        public MethodInfo InterfaceMethod => method;

        public Task Invoke() => ++Attempts <= failures ? Task.FromException(failure) : Task.CompletedTask;

        public IInvokable Request => throw new NotSupportedException();

        public object Grain => throw new NotSupportedException();

        public GrainId? SourceId => null;

        public GrainId TargetId => GrainId.Create("customer", "Hooli");

        public GrainInterfaceType InterfaceType => default;

        public string InterfaceName => method.DeclaringType!.Name;

        public string MethodName => method.Name;

        public object? Result { get; set; }

        public Response? Response { get; set; }

        public IGrainContext? SourceContext => null;
    }
}
