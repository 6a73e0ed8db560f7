using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Reflection;
using WeiPian.Engine;

namespace WeiPian.Cli;

/// <summary>
/// Runs the command line and turns how it ended into one clear line and an exit code: bad input (exit 2),
/// an interrupt (130 or 143), or a bug (exit 1, with the stack trace written to a file).
/// </summary>
internal static class CliErrors
{
    /// <summary>Exit code for a bug: an exception the engine did not throw on purpose.</summary>
    public const int InternalError = 1;

    /// <summary>Exit code for bad input (a file, an option, a model or survey that does not fit).</summary>
    public const int InputError = 2;

    /// <summary>Exit code of a command that stopped on request (Ctrl+C); SIGTERM gives 143 instead.</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// The option for each library setting an <see cref="InputException"/> can name, and how to say it; shown only when
    /// the command has that option (reprocess takes band roles from its manifest, not from --bands).
    /// </summary>
    private static readonly Dictionary<string, (string Option, string Hint)> Settings = new(StringComparer.Ordinal)
    {
        ["Bands"] = ("--bands", "--bands B,G,R,NIR"),
        ["AllLand"] = ("--all-land", "--survey, or --all-land"),
        ["SimplifyTolerance"] = ("--simplify", "--simplify"),
        ["TileSize"] = ("--tile", "--tile"),
        ["Halo"] = ("--halo", "--halo"),
        ["BatchSize"] = ("--batch", "--batch"),
        ["IntraOpThreads"] = ("--threads", "--threads"),
        ["Lanes"] = ("--lanes", "--lanes"),
        ["Device"] = ("--device", "--device"),
        ["OutputDirectory"] = ("--out", "another --out"),
        ["Classes"] = ("--classes", "--classes, or --truth-nodata V for the truth's unlabelled value"),
        ["Band"] = ("--band", "--band"),
        ["Size"] = ("--size", "--size"),
        ["Height"] = ("--height", "--height"),
        ["Gsd"] = ("--gsd", "--gsd"),
        ["Epsg"] = ("--epsg", "--epsg"),
        ["Crs"] = ("--epsg", "--epsg"),
        ["AfterEpsg"] = ("--after-epsg", "--after-epsg"),
        ["ChangesPerKm2"] = ("--changes-per-km2", "--changes-per-km2"),
        ["MaxObscuredShare"] = ("--max-obscured", "--max-obscured"),
        ["RestoredMaxChangedShare"] = ("--restored-max", "--restored-max, --not-restored-min"),
        ["NotRestoredMinChangedShare"] = ("--not-restored-min", "--not-restored-min"),
        ["MarginMetres"] = ("--margin", "--margin"),
        ["SoilNdvi"] = ("--soil-ndvi", "--soil-ndvi, --veg-ndvi"),
        ["IdField"] = ("--id-field", "--id-field"),
        ["Sample"] = ("--sample", "--sample 10% or --sample 120"),
        ["Stratify"] = ("--stratify", "--stratify XZQDM,PDLX"),
        ["MinPerStratum"] = ("--min-per-stratum", "--min-per-stratum"),
        ["Confidence"] = ("--confidence", "--confidence"),
        ["Threshold"] = ("--threshold", "--threshold"),
        ["ApprovalMinShare"] = ("--approval-min", "--approval-min"),
        ["Model"] = ("--model", "--model"),
        ["Month"] = ("--month", "--month 2024-06"),
        ["MinimumAreaOverride"] = ("--min-area", "--min-area, e.g. 20=200,KT=400"),
        ["BeforeMask"] = ("--mask-before", "--mask-before"),
        ["AfterMask"] = ("--mask-after", "--mask-after"),
        ["CloudScreen"] = ("--clouds", "--clouds to screen them, or --clouds false"),
        ["BeforeDate"] = ("--before-date", "--before-date YYYYMMDD"),
        ["AfterDate"] = ("--after-date", "--after-date YYYYMMDD"),
        ["NewestDate"] = ("--newest-date", "--newest-date YYYYMMDD"),
        ["ReferenceDate"] = ("--reference-date", "--reference-date YYYYMMDD"),
        ["Align"] = ("--align", "--align"),
        ["ResampleToModel"] = ("--resample-to-model", "--resample-to-model"),
        ["Radiometry"] = ("--radiometry", "--radiometry percentile, or --radiometry match"),
        ["CardPath"] = ("--card", "--card"),
        ["Workers"] = ("--workers", "--workers"),
        ["MergeOverlapFraction"] = ("--merge-overlap", "--merge-overlap"),
        ["LinkOverlapFraction"] = ("--link-overlap", "--link-overlap"),
        ["AllowNonEmptyFolder"] = ("--allow-nonempty", "--allow-nonempty"),
        // export-training (issue 16 §1)
        ["Layer"] = ("--layer", "--layer"),
        ["ChipSize"] = ("--chip", "--chip 512"),
        ["ClassField"] = ("--class-field", "--class-field TBLX"),
        ["VerdictField"] = ("--verdict-field", "--verdict-field PDLX"),
        ["FalseChangeValues"] = ("--false-change", "--false-change 伪变化,false"),
        ["SplitBlockMetres"] = ("--split-block", "--split-block 2000"),
        ["Jitter"] = ("--jitter", "--jitter"),
        ["ChipsPerChange"] = ("--per-change", "--per-change"),
        ["ChipsPerFalseChange"] = ("--per-false-change", "--per-false-change"),
        ["UnchangedPerPositive"] = ("--unchanged", "--unchanged"),
        ["EdgeIgnorePixels"] = ("--edge-ignore", "--edge-ignore"),
        ["MaxNoDataShare"] = ("--max-nodata", "--max-nodata"),
        // screening cascade (issue 19 §1)
        ["ScreenModelPath"] = ("--screen", "--screen screen-v1"),
        ["ScreenThreshold"] = ("--screen-threshold", "--screen-threshold 0.35"),
        // bench-models on a training export (issue 16 §2)
        ["Split"] = ("--split", "--split test"),
    };

    /// <summary>
    /// Parses and runs <paramref name="args"/>; SIGINT and SIGTERM cancel a command that takes a cancellation token
    /// through it, and end one that takes none (info, eval, synth) as before.
    /// </summary>
    /// <param name="root">The command tree.</param>
    /// <param name="args">The arguments after <c>weipian</c>.</param>
    /// <param name="error">Where the messages go (the process's stderr by default).</param>
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        var parse = root.Parse(args);
        var problem = parse.Errors.Count > 0 && parse.Action is ParseErrorAction ? ParseErrors.Describe(parse)
            : parse.Action is not HelpAction ? ParseErrors.EmptyValue(parse)
            : null;
        if (problem is not null)
        {
            var command = ParseErrors.CommandPath(parse);
            error.WriteLine($"{command}: {problem}");
            error.WriteLine($"Run '{command} --help' for {(parse.CommandResult.Parent is null ? "the commands" : "its options")}.");
            return InputError;
        }
        // A command without a token could not see the cancellation: suppressing the signal would only make it ignored.
        using var signals = parse.Action is AsynchronousCommandLineAction ? new TerminationSignals() : null;
        try
        {
            // ProcessTerminationTimeout null: TerminationSignals handles the signals, and waits for the command to clean up.
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null, Error = error };
            var code = await parse.InvokeAsync(config, signals?.Token ?? default);
            return code == Cancelled && signals?.Received is not null ? signals.ExitCode : code;
        }
        catch (Exception) when (signals?.Received is { } signal)
        {
            error.WriteLine($"weipian: stopped by {signal}; no output was left under its final name.");
            return signals.ExitCode;
        }
        catch (Exception e)
        {
            return Report(e, error, args, parse.CommandResult.Command);
        }
    }

    /// <summary>Writes the line for an exception that ended a command and returns the exit code.</summary>
    internal static int Report(Exception e, TextWriter error, IReadOnlyList<string> args, Command command)
    {
        var cause = Unwrap(e);
        if (IsInput(cause))
        {
            var option = cause is InputException { Setting: { } s } && Settings.TryGetValue(s, out var o) && command.Options.Any(x => x.Name == o.Option)
                ? $" ({o.Hint})"
                : "";
            error.WriteLine($"weipian: {cause.Message}{option}");
            if (Environment.GetEnvironmentVariable("WEIPIAN_TRACE") == "1") error.WriteLine(e);
            return InputError;
        }
        error.WriteLine($"weipian: internal error: {cause.Message}");
        error.WriteLine(WriteTrace(e, args) is { } path
            ? $"This is a bug in weipian, not in your input; the stack trace is in {path}."
            : $"This is a bug in weipian, not in your input; its stack trace:{Environment.NewLine}{e}");
        return InternalError;
    }

    /// <summary>
    /// Input the engine checked, a path the user named that the system refused (the message carries the path), or a
    /// full disk or quota (ENOSPC 28, EDQUOT 122: .NET's IOException carries the errno): none of them is a bug.
    /// </summary>
    private static bool IsInput(Exception e) =>
        e is InputException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or IOException { HResult: 28 or 122 };

    // Parallel loops and reflection wrap the exception that stopped them; the message worth showing is the one inside.
    private static Exception Unwrap(Exception e) => e switch
    {
        AggregateException a when a.Flatten().InnerExceptions is [var only] => Unwrap(only),
        AggregateException a when a.Flatten().InnerExceptions.FirstOrDefault(IsInput) is { } input => input,
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        _ => e,
    };

    private static string? WriteTrace(Exception e, IReadOnlyList<string> args)
    {
        var path = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"weipian-trace-{Environment.ProcessId}.txt"));
        try
        {
            var version = typeof(CliErrors).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            File.WriteAllText(path,
                $"weipian {version} on .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC{Environment.NewLine}" +
                $"weipian {string.Join(' ', args)}{Environment.NewLine}{Environment.NewLine}{e}{Environment.NewLine}");
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
