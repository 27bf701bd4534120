using Autopilot.Stack.Traffic;

namespace Autopilot.Testing;

/// <summary>
/// A story whose steps share one read and write loop through the front door: a step starts it, later steps judge what it
/// saw, and it stops when a step is done with it or when the story ends (its state's <c>DisposeAsync</c>).
/// </summary>
public abstract class LoopStory : Story
{
    public RequestLoop? Loop { get; protected set; }

    public async Task StopLoop()
    {
        if (Loop is not null)
        {
            await Loop.DisposeAsync();
            Loop = null;
        }
    }
}
