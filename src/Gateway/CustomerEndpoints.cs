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

    private static async Task<IResult> ListAsync(IGrainFactory grains, CancellationToken cancellationToken) =>
        TypedResults.Ok(await grains.GetGrain<ITablesGrain>(0).Customers().WaitAsync(cancellationToken));

    private static async Task<IResult> GetAsync(string company, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Validation.NameError("company", company) is { } error)
        {
            return Problems.BadRequest(error);
        }

        var record = await grains.GetGrain<ICustomerGrain>(company).Get().WaitAsync(cancellationToken);
        return record is null ? Problems.NotFound($"There is no customer named '{company}'.") : TypedResults.Ok(record);
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
