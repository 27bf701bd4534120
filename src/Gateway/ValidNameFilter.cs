using Autopilot.Contracts;

namespace Autopilot.Gateway;

/// <summary>Refuses a request whose route value <paramref name="parameter"/> is no valid name (<see cref="Validation.NameError"/>) with a 400 problem, before its handler runs.</summary>
public sealed class ValidNameFilter(string parameter) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Validation.NameError(parameter, context.HttpContext.Request.RouteValues[parameter] as string) is { } error
            ? ValueTask.FromResult<object?>(Problems.BadRequest(error))
            : next(context);
}
