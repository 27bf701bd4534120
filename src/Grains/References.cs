namespace Autopilot.Grains;

/// <summary>
/// References to grains of interface <typeparamref name="T"/> by string key, made from the grain type and interface type
/// that Orleans resolved for the first one. Hand-written: Orleans' <c>GetGrain&lt;T&gt;(string)</c> resolves both from the
/// interface's CLR type on every call, formatting its type name each time (no cache in Orleans 10: 2.3% of a silo's CPU
/// on <c>/customers</c>, bench/README.md, "Where the CPU goes"), while <see cref="IGrainFactory.GetGrain(GrainId, GrainInterfaceType)"/>
/// takes them resolved. An interface has one grain class here, so the types are the same for every grain factory.
/// </summary>
public static class References<T>
    where T : IGrainWithStringKey
{
    private static Types? types;

    /// <summary>The reference to the grain <paramref name="key"/>, as <c>grains.GetGrain&lt;T&gt;(key)</c> makes it.</summary>
    public static T Get(IGrainFactory grains, string key)
    {
        if (Volatile.Read(ref types) is { } known)
        {
            return (T)grains.GetGrain(GrainId.Create(known.Grain, key), known.Interface);
        }

        var first = grains.GetGrain<T>(key);
        var reference = (GrainReference)(object)first;
        Volatile.Write(ref types, new Types(reference.GrainId.Type, reference.InterfaceType));
        return first;
    }

    /// <summary>The grain type of <typeparamref name="T"/>'s grains, as Orleans resolved it (the type part of their ids).</summary>
    public static GrainType TypeOf(IGrainFactory grains) =>
        Volatile.Read(ref types) is { } known ? known.Grain : ((GrainReference)(object)Get(grains, "-")).GrainId.Type;

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface);
}
