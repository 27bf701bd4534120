using Microsoft.AspNetCore.Http.HttpResults;

namespace Autopilot.Gateway;

/// <summary>RFC 7807 answers for what the caller got wrong.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "No such record.");

    public static ProblemHttpResult Unprocessable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The request refers to something that does not exist.");

    public static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem($"The body is larger than {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large.");

    public static ProblemHttpResult UnsupportedMediaType() =>
        TypedResults.Problem("Send the body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body is not JSON.");

    /// <summary>412 from a result that writes its own answer (<see cref="ETaggedJson{T}"/>): a read whose <c>If-Match</c> did not hold.</summary>
    public static Task PreconditionFailed(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status412PreconditionFailed;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status412PreconditionFailed, Title = "The record is not as the request's precondition expects.", Detail = detail },
        }).AsTask();
    }

    /// <summary>
    /// The answer when a request passed <see cref="ApiOptions.RequestTimeout"/>: a read changed nothing (503, try again);
    /// a write may or may not have been stored (504, PUT again to be sure).
    /// </summary>
    public static Task WriteDeadlineExceeded(HttpContext context)
    {
        var read = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        var (status, title, detail) = read
            ? (StatusCodes.Status503ServiceUnavailable, "The cluster is unavailable; try again.", "The request passed its deadline; a read changes nothing.")
            : (StatusCodes.Status504GatewayTimeout, "The outcome of the write is unknown.",
                "The request passed its deadline: the write may or may not have been stored. PUT is idempotent: send it again to be sure.");
        context.Response.StatusCode = status;
        if (read)
        {
            context.Response.Headers.RetryAfter = ClusterExceptionHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
