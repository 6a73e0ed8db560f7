using System.CommandLine;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;

namespace WeiPian.Cli;

/// <summary>Runs the command line and turns the engine's expected errors into one clear line and an exit code.</summary>
internal static class CliErrors
{
    public const int InputError = 2;

    public static int Run(RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"weipian: {e.Message}");
            if (Environment.GetEnvironmentVariable("WEIPIAN_TRACE") == "1") Console.Error.WriteLine(e);
            return InputError;
        }
    }

    private static bool IsUserError(Exception e) => e is GdalException or PixelGridException or FileNotFoundException
        or DirectoryNotFoundException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException
        or KeyNotFoundException or IOException;
}
