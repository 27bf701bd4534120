using System.Reflection;
using Orleans.Serialization.Invocation;

namespace Autopilot.Gateway.Tests;

/// <summary>A grain call as an outgoing filter sees it: each attempt (<see cref="Invoke"/>) runs the given step.</summary>
internal sealed class FakeGrainCall(MethodInfo method, Func<int, Task> attempt) : IOutgoingGrainCallContext
{
    /// <summary>A call that fails its first <paramref name="failures"/> attempts with <paramref name="failure"/>, then succeeds.</summary>
    public static FakeGrainCall Failing(MethodInfo method, Exception failure, int failures) =>
        new(method, n => n <= failures ? Task.FromException(failure) : Task.CompletedTask);

    public int Attempts { get; private set; }

    public MethodInfo InterfaceMethod => method;

    public Task Invoke() => attempt(++Attempts);

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
