using Autopilot.Contracts;

namespace Autopilot.Gateway;

/// <summary><c>/sales</c>: the workshop's Sales service, each rep joined with its client's territory from the Customers side.</summary>
public static class SalesEndpoints
{
    public static IEndpointRouteBuilder MapSales(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sales");
        group.MapGet("/", ListAsync);
        group.MapGet("/{rep}", GetAsync);
        group.MapPut("/{rep}", PutAsync);
        return app;
    }

    private static Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, CancellationToken cancellationToken) =>
        PageRequest.AnswerAsync(
            context, (page, token) => grains.GetGrain<ITablesGrain>(0).SalesReps(page.After, page.Limit, token), GatewayJsonContext.Default.IReadOnlyListSalesRepRecord, cancellationToken);

    private static async Task<IResult> GetAsync(string rep, HttpContext context, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Validation.NameError("rep", rep) is { } error)
        {
            return Problems.BadRequest(error);
        }

        var record = await grains.GetGrain<ISalesRepGrain>(rep).Get(cancellationToken).WaitAsync(cancellationToken);
        return record is null
            ? Problems.NotFound($"There is no sales rep named '{rep}'.")
            : ConditionalJson.Answer(context, record, GatewayJsonContext.Default.SalesRepRecord);
    }

    private static async Task<IResult> PutAsync(string rep, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Validation.NameError("rep", rep) is { } nameError)
        {
            return Problems.BadRequest(nameError);
        }

        var (body, problem) = await JsonBody.ReadAsync(request, GatewayJsonContext.Default.SalesRepPut, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (Validation.PhoneError("phone", body!.Phone) is { } phoneError)
        {
            return Problems.BadRequest(phoneError);
        }

        if (body.Client is not null && Validation.NameError("client", body.Client) is { } clientError)
        {
            return Problems.BadRequest(clientError);
        }

        var result = await grains.GetGrain<ISalesRepGrain>(rep).Put(body.Phone!, body.Client).WaitAsync(cancellationToken);
        return result.Record is { } record
            ? TypedResults.Ok(record)
            : Problems.Unprocessable($"The client '{result.UnknownClient}' is not a known customer; create it with PUT /customers/{{company}} first.");
    }
}
