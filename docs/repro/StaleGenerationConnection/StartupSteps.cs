using Microsoft.Extensions.DependencyInjection;

namespace StaleGenerationConnection;

/// <summary>
/// The silo's own startup steps around Orleans': 'listening' once the silo's listener is up (it starts at
/// RuntimeInitialize - 1, long before membership at RuntimeGrainServices), an optional slow step between the two, and
/// the optional mitigation before the listener.
/// </summary>
public sealed class StartupSteps(IServiceProvider services, TimeSpan slowStart, bool retireFirst) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        if (retireFirst)
        {
            lifecycle.Subscribe("repro-retire-old-generations", ServiceLifecycleStage.RuntimeInitialize - 2, RetireOldGenerationsAsync);
        }

        lifecycle.Subscribe("repro-listening", ServiceLifecycleStage.RuntimeInitialize, _ =>
        {
            SiloProcess.Say("listening");
            return Task.CompletedTask;
        });
        if (slowStart > TimeSpan.Zero)
        {
            lifecycle.Subscribe("repro-slow-start", ServiceLifecycleStage.RuntimeServices, ct => Task.Delay(slowStart, ct));
        }
    }

    // The mitigation: mark every older generation of this silo's endpoint Dead (what Orleans' MembershipTableManager does
    // itself, but only once the silo has been listening for a while), then wait until every running silo has read the table.
    private async Task RetireOldGenerationsAsync(CancellationToken cancellationToken)
    {
        var me = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var table = services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken); // Orleans initializes it again later; a second connection, harmless here
        var retired = false;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var data = await table.ReadAllAsync(cancellationToken);
            var old = data.Members.FirstOrDefault(m =>
                m.Item1.SiloAddress.Endpoint.Equals(me.Endpoint) && m.Item1.SiloAddress.Generation < me.Generation && m.Item1.Status != SiloStatus.Dead);
            if (old is null)
            {
                break;
            }

            old.Item1.Status = SiloStatus.Dead;
            if (await table.UpdateRowAsync(old.Item1, old.Item2, data.Version.Next(), cancellationToken))
            {
                SiloProcess.Say($"retired {old.Item1.SiloAddress}");
                retired = true;
            }
        }

        if (retired)
        {
            await Task.Delay(SiloProcess.TableRefresh + TimeSpan.FromSeconds(1), cancellationToken);
        }
    }
}
