namespace Autopilot.Testing;

/// <summary>Debian packages the tests need, installed through the repository's own script when missing.</summary>
public static class DebianPackage
{
    private static readonly Lock Gate = new();

    /// <summary>Returns <paramref name="binary"/> once the package that provides it is installed.</summary>
    public static string Ensure(string package, string binary)
    {
        lock (Gate)
        {
            if (!File.Exists(binary))
            {
                try
                {
                    Repo.RunScript("scripts/apt-install.sh", TimeSpan.FromMinutes(10), package);
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException($"These tests need {binary} from Debian's {package} package, and scripts/apt-install.sh could not install it: {e.Message}", e);
                }
            }

            return File.Exists(binary) ? binary : throw new InvalidOperationException($"{package} is installed, but {binary} is missing.");
        }
    }
}
