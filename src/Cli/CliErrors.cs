using System.CommandLine;
using WeiPian.Engine;

namespace WeiPian.Cli;

/// <summary>Runs the command line and turns the engine's expected errors into one clear line and an exit code.</summary>
internal static class CliErrors
{
    /// <summary>Exit code for bad input (a file, an option, a model or survey that does not fit).</summary>
    public const int InputError = 2;

    /// <summary>Exit code when the run was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("weipian: cancelled; no output was left under the final name.");
            return Cancelled;
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"weipian: {e.Message}");
            if (Environment.GetEnvironmentVariable("WEIPIAN_TRACE") == "1") Console.Error.WriteLine(e);
            return InputError;
        }
    }

    private static bool IsUserError(Exception e) => e is InputException
        or FileNotFoundException or DirectoryNotFoundException or ArgumentException or FormatException
        or InvalidOperationException or NotSupportedException or KeyNotFoundException or IOException or UnauthorizedAccessException;
}
