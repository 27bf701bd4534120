using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Autopilot.Consul.Registration;

/// <summary>
/// Answers a Consul check meant for another registration with 503: the agent sends the registration's ID with each check
/// (<see cref="ConsulServiceRegistration.CheckQuery"/>), and a process that is not that registration (it got the address
/// of a process that died without deregistering) says so, so that the dead one's entry goes critical and is reaped
/// instead of passing on someone else's health.
/// </summary>
internal sealed class CheckIdentityFilter(ConsulServiceRegistration registration) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, proceed) =>
        {
            if (context.Request.Query.TryGetValue(ConsulServiceRegistration.CheckQuery, out var asked) && registration.Id is { } id && asked != id)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync($"this is {id}, not {asked}", context.RequestAborted);
                return;
            }

            await proceed(context);
        });
        next(app);
    };
}
