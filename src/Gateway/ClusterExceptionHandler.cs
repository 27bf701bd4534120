using Autopilot.Contracts;
using Microsoft.AspNetCore.Diagnostics;

namespace Autopilot.Gateway;

/// <summary>
/// Tells the caller the truth about a failed request. 400 for input the grains refuse (<see cref="ValidationException"/>),
/// 412 for a conditional write whose precondition failed (<see cref="PreconditionFailedException"/>): nothing was stored.
/// 503 with <c>Retry-After</c> when the request certainly did not run: every read (it changes nothing), and writes the
/// cluster refused unprocessed or whose store was never reached. 504 when a write's outcome is unknown (sent, no answer):
/// it may have been stored, and a PUT is safe to send again. Anything else is a bug: the framework answers 500 and logs it.
/// </summary>
public sealed class ClusterExceptionHandler(IProblemDetailsService problems, ILogger<ClusterExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var read = HttpMethods.IsGet(httpContext.Request.Method) || HttpMethods.IsHead(httpContext.Request.Method);
        var (status, title, detail) = Classify(exception, read);
        if (status == 0)
        {
            return false;
        }

        Log.RequestFailed(logger, httpContext.Request.Method, httpContext.Request.Path, status, $"{exception.GetType().Name}: {FirstLine(exception.Message)}");
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The status, title and detail for <paramref name="exception"/>; status 0 when it is not the cluster's to explain.</summary>
    public static (int Status, string Title, string Detail) Classify(Exception exception, bool read) => exception switch
    {
        ValidationException e => (StatusCodes.Status400BadRequest, "The request is not valid.", e.Message),
        PreconditionFailedException e => (StatusCodes.Status412PreconditionFailed, "The record is not as the request's precondition expects.", e.Message),
        BadHttpRequestException e => (e.StatusCode, "The request is not valid.", e.Message),
        StorageFaultException { MayHaveStored: false } e => NotRun($"Grain storage could not be reached, so nothing was stored: {FirstLine(e.Message)}"),
        _ when ClusterFailures.NeverRan(exception) => NotRun($"The cluster did not run the request: {FirstLine(exception.Message)}"),
        StorageFaultException or SiloUnavailableException or TimeoutException or OperationCanceledException or OrleansException =>
            read ? NotRun($"The cluster did not answer in time ({exception.GetType().Name}); a read changes nothing.") : Unknown(exception),
        _ => (0, "", ""),
    };

    private static (int, string, string) NotRun(string detail) =>
        (StatusCodes.Status503ServiceUnavailable, "The cluster is unavailable; try again.", detail);

    private static (int, string, string) Unknown(Exception exception) =>
        (StatusCodes.Status504GatewayTimeout, "The outcome of the write is unknown.",
            $"The cluster did not confirm the write in time ({exception.GetType().Name}): it may or may not have been stored. PUT is idempotent: send it again to be sure.");

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
