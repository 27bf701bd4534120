using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Autopilot.Gateway;

/// <summary><c>/customers</c>: the workshop's Customers service, each row joined with its rep from the Sales side.</summary>
public static class CustomerEndpoints
{
    public static readonly RecordApi<CustomerRecord, CustomerPut> Api = new(
        "/customers", "company", "customer",
        (grains, page, token) => grains.GetGrain<ITablesGrain>(0).Customers(page.After, page.Limit, token),
        (grains, company, token) => grains.GetGrain<ICustomerGrain>(company).Get(token),
        body => Validation.NameError("location", body.Location),
        PutAsync,
        EntityTags.Of,
        GatewayJsonContext.Default.CustomerRecord, GatewayJsonContext.Default.IReadOnlyListCustomerRecord, GatewayJsonContext.Default.CustomerPut);

    public static IEndpointRouteBuilder MapCustomers(this IEndpointRouteBuilder app)
    {
        app.MapRecords(Api, "Customer", "Customers");
        return app;
    }

    private static async Task<Results<Ok<CustomerRecord>, ProblemHttpResult>> PutAsync(IGrainFactory grains, string company, CustomerPut body, WritePrecondition? precondition, CancellationToken token)
    {
        var customer = grains.GetGrain<ICustomerGrain>(company);
        return TypedResults.Ok(precondition is null
            ? await customer.Put(body.Location!, token)
            : await customer.PutIf(body.Location!, precondition, token));
    }
}
