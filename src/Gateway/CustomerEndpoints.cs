using Autopilot.Contracts;

namespace Autopilot.Gateway;

/// <summary><c>/customers</c>: the workshop's Customers service, each row joined with its rep from the Sales side.</summary>
public static class CustomerEndpoints
{
    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/customers");
        group.MapGet("/", ListAsync);
        group.MapGet("/{company}", GetAsync);
        group.MapPut("/{company}", PutAsync);
        return app;
    }

    private static Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        PageRequest.AnswerAsync(
            context, (page, token) => grains.GetGrain<ITablesGrain>(0).Customers(page.After, page.Limit, token), GatewayJsonContext.Default.IReadOnlyListCustomerRecord, cancellationToken);

    private static async Task<IResult> GetAsync(string company, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Validation.NameError("company", company) is { } error)
        {
            return Problems.BadRequest(error);
        }

        var record = await grains.GetGrain<ICustomerGrain>(company).Get(cancellationToken).WaitAsync(cancellationToken);
        return record is null
            ? Problems.NotFound($"There is no customer named '{company}'.")
            : ConditionalJson.Answer(context, record, GatewayJsonContext.Default.CustomerRecord);
    }

    private static async Task<IResult> PutAsync(string company, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Validation.NameError("company", company) is { } nameError)
        {
            return Problems.BadRequest(nameError);
        }

        var (body, problem) = await JsonBody.ReadAsync(request, GatewayJsonContext.Default.CustomerPut, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (Validation.NameError("location", body!.Location) is { } locationError)
        {
            return Problems.BadRequest(locationError);
        }

        return TypedResults.Ok(await grains.GetGrain<ICustomerGrain>(company).Put(body.Location!).WaitAsync(cancellationToken));
    }
}
