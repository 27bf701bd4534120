using Xunit.Abstractions;
using Xunit.Sdk;

namespace Autopilot.Testing;

/// <summary>
/// Runs a class's tests in the order of their <see cref="StepAttribute"/>: a long story (a stack brought up, scaled,
/// crashed, taken down) is told as steps, one test each, sharing the story's state in a class fixture, so each step
/// reports on its own and the first failure does not hide the rest. Use with
/// <c>[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]</c>.
/// </summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string Name = "Autopilot.Testing.StepOrderer";
    public const string Assembly = "Autopilot.Testing";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(test => test.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName!)
            .Select(step => step.GetConstructorArguments().Cast<int>().Single())
            .DefaultIfEmpty(int.MaxValue)
            .First());
}
