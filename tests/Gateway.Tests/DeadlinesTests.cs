using System.Globalization;
using System.Text.RegularExpressions;
using Autopilot.Contracts;
using Autopilot.Grains;
using Autopilot.Hosting;
using Autopilot.Testing;

namespace Autopilot.Gateway.Tests;

/// <summary>The timeout budget: each inner bound shorter than the one that waits on it, and every copy of a bound equal to the budget's.</summary>
[Trait("Category", "unit")]
public sealed partial class DeadlinesTests
{
    [Fact]
    public void Each_inner_bound_is_shorter_than_the_bound_that_waits_on_it()
    {
        Assert.All(Deadlines.Chain, link => Assert.True(link.InnerBound < link.OuterBound,
            $"{link.Inner} ({link.InnerBound.TotalSeconds} s) must be shorter than {link.Outer} ({link.OuterBound.TotalSeconds} s)"));
    }

    [Fact]
    public void The_bounds_written_where_the_language_puts_them_are_the_budgets()
    {
        Assert.Equal(Deadlines.GrainRead, TimeSpan.Parse(Reads.Timeout, CultureInfo.InvariantCulture));
        Assert.Equal(Deadlines.ClusterStatistics, ClusterViewGrain.StatisticsTimeout);
        Assert.Equal(Deadlines.LinkConfirm, LinkConfirmation.Within);
        Assert.Equal(Deadlines.StorageFence, CommittedState<CustomerState>.FenceWithin);
        Assert.Equal(Deadlines.Request, new ApiOptions().RequestTimeout);
        Assert.Equal(Deadlines.ConsulCheck, new Autopilot.Consul.Registration.ServiceRegistrationOptions().CheckTimeout);
    }

    [Fact]
    public void The_retry_filters_back_off_adds_up_to_the_budgets()
    {
        var total = TimeSpan.Zero;
        var delay = RejectedCallRetryFilter.FirstDelay;
        for (var attempt = 0; attempt < RejectedCallRetryFilter.MaxRetryAttempts; attempt++)
        {
            total += delay;
            delay = delay * 2 > RejectedCallRetryFilter.MaxDelay ? RejectedCallRetryFilter.MaxDelay : delay * 2;
        }

        Assert.Equal(Deadlines.RetryBackoff, total);
    }

    [Fact]
    public void Nginx_waits_for_a_gateway_as_long_as_the_budget_says()
    {
        var timeouts = ReadTimeout().Matches(File.ReadAllText(Path.Combine(Repo.Root, "deploy", "nginx", "nginx.conf")));

        Assert.NotEmpty(timeouts);
        Assert.All(timeouts, t => Assert.Equal(Deadlines.FrontDoorRead, TimeSpan.FromSeconds(int.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void The_container_engine_waits_for_a_stopping_host_as_long_as_the_budget_says()
    {
        var graces = StopGrace().Matches(File.ReadAllText(Path.Combine(Repo.Root, "deploy", "docker-compose.yml")));

        Assert.Equal(3, graces.Count);
        Assert.All(graces, g => Assert.Equal(Deadlines.StopGrace, TimeSpan.FromSeconds(int.Parse(g.Groups[1].Value, CultureInfo.InvariantCulture))));
        Assert.Equal(Deadlines.StopGrace, Autopilot.Stack.Processes.PartProcesses.StopGrace);
    }

    [GeneratedRegex(@"proxy_read_timeout (\d+)s;")]
    private static partial Regex ReadTimeout();

    [GeneratedRegex(@"stop_grace_period: (\d+)s")]
    private static partial Regex StopGrace();
}
