using Microsoft.AspNetCore.Diagnostics;

namespace Autopilot.Gateway;

/// <summary>Turns the cluster's failures into 503 problems a client may retry, and a grain's refusal into 400.</summary>
public sealed class ClusterExceptionHandler(IProblemDetailsService problems, ILogger<ClusterExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            TimeoutException or OrleansException => (StatusCodes.Status503ServiceUnavailable, "The cluster is unavailable; try again."),
            ArgumentException => (StatusCodes.Status400BadRequest, "The request is not valid."),
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid."),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        Log.RequestFailed(logger, httpContext.Request.Method, httpContext.Request.Path, status, exception.Message);
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception.Message },
        });
    }
}
