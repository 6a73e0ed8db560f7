using System.CommandLine;
using WeiPian.Cli;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Cli;

/// <summary>
/// How the command line ends: a parse error is one line naming the option and a hint to --help (exit 2); input the engine
/// checked is one line (exit 2); anything else is a bug, said so, with the stack trace in a file (exit 1).
/// </summary>
public sealed class CliErrorsTests
{
    [Theory]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--out", "o.gpkg", "--tile", "abc" }, "--tile 'abc' is not a whole number")]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--out", "o.gpkg", "--tile" }, "--tile needs a value: a whole number")]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--tile", "abc" }, "--tile 'abc' is not a whole number")]
    [InlineData(new[] { "detect", "--after", "b.tif", "--out", "o.gpkg" }, "--before is required")]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--out", "o.gpkg", "--tiles", "512" }, "unknown option or argument '--tiles'")]
    [InlineData(new[] { "synth", "--out", "x", "--gsd", "fine" }, "--gsd 'fine' is not a number")]
    [InlineData(new[] { "polygonize", "classes.tif" }, "<out> is missing (Vector file: .gpkg (default), .shp or .geojson)")]
    [InlineData(new[] { "polygonize", "", "out.gpkg" }, "<raster> is empty (Class raster (any GDAL raster; integer values 0..255))")]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--out", "" }, "--out is empty (Output polygons: .gpkg")]
    [InlineData(new[] { "synth", "--out", " " }, "--out is empty (Output folder)")]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--out", "o.gpkg", "--out", "p.gpkg" }, "--out is given 2 values (o.gpkg, p.gpkg); it takes one")]
    [InlineData(new[] { "detect", "--before", "a.tif", "--after", "b.tif", "--out", "o.shp", "--encoding", "KOI9" }, "--encoding: Argument 'KOI9' not recognized. Must be one of: 'GBK' 'GB18030' 'UTF-8'")]
    public async Task ParseErrorIsOneLineNamingTheOptionThenAHelpHint(string[] args, string expected)
    {
        var (code, stdout, stderr) = await RunCliAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"weipian {args[0]}: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("System.", lines[0]);
        Assert.Equal($"Run 'weipian {args[0]} --help' for its options.", lines[1]);
    }

    [Fact]
    public async Task NoCommandNamesTheCommands()
    {
        var (code, _, stderr) = await RunCliAsync([]);

        Assert.Equal(2, code);
        Assert.Equal(
            ["weipian: give a command: info, synth, detect, polygonize, eval, bench-models, reprocess, silo, recheck, spotcheck, tally, synth-verdicts, export-training", "Run 'weipian --help' for the commands."],
            stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task HelpStillExitsZero()
    {
        var (code, stdout, _) = await RunCliAsync(["detect", "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("--tile", stdout);
    }

    public static TheoryData<Exception, int, string> Endings => new()
    {
        { new InputException("'a.tif' is not a raster."), 2, "weipian: 'a.tif' is not a raster." },
        { new InputException("'a.tif' has no NIR band.") { Setting = "Bands" }, 2, "weipian: 'a.tif' has no NIR band. (--bands B,G,R,NIR)" },
        { new InputException("A land survey is needed.") { Setting = "AllLand" }, 2, "weipian: A land survey is needed." },
        { new FileNotFoundException("Could not find file '/data/a.tif'.", "/data/a.tif"), 2, "weipian: Could not find file '/data/a.tif'." },
        { new DirectoryNotFoundException("Could not find a part of the path '/data/x/a.tif'."), 2, "weipian: Could not find a part of the path '/data/x/a.tif'." },
        { new UnauthorizedAccessException("Access to the path '/data/a.tif' is denied."), 2, "weipian: Access to the path '/data/a.tif' is denied." },
        { new AggregateException(new InputException("'b.tif' is not a raster.")), 2, "weipian: 'b.tif' is not a raster." },
        { new InvalidOperationException("Sequence contains no elements"), 1, "weipian: internal error: Sequence contains no elements" },
        { new ArgumentException("Value cannot be empty.", "o"), 1, "weipian: internal error: Value cannot be empty. (Parameter 'o')" },
        { new KeyNotFoundException("The given key 'x' was not present."), 1, "weipian: internal error: The given key 'x' was not present." },
        { new IOException("No space left on device : '/data/o.gpkg'", 28), 2, "weipian: No space left on device : '/data/o.gpkg'" },
        { new IOException("Broken pipe"), 1, "weipian: internal error: Broken pipe" },
        { new FormatException("Input string was not in a correct format."), 1, "weipian: internal error: Input string was not in a correct format." },
        { new NullReferenceException("Object reference not set to an instance of an object."), 1, "weipian: internal error: Object reference not set to an instance of an object." },
    };

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task ExceptionsMapToInputErrorOrInternalError(Exception thrown, int expectedCode, string expectedLine)
    {
        var root = new RootCommand("test");
        // A command with --bands but without --all-land: a setting is named only by an option the command has.
        var fail = new Command("fail") { new Option<string>("--bands") };
        fail.SetAction((ParseResult _) => ThrowIt(thrown));
        root.Subcommands.Add(fail);
        var error = new StringWriter();

        var code = await CliErrors.RunAsync(root, ["fail"], error);

        Assert.Equal(expectedCode, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expectedLine, lines[0]);
        Assert.Equal(expectedCode == 2 ? 1 : 2, lines.Length);
    }

    [Fact]
    public async Task AFullDiskIsNotABug()
    {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        var full = Assert.ThrowsAny<IOException>(() => File.WriteAllBytes("/dev/full", new byte[1]));
        var root = new RootCommand("test");
        var fail = new Command("fail");
        fail.SetAction((ParseResult _) => ThrowIt(full));
        root.Subcommands.Add(fail);
        var error = new StringWriter();

        Assert.Equal(2, await CliErrors.RunAsync(root, ["fail"], error));
        Assert.DoesNotContain("internal error", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InternalErrorWritesTheStackTraceToAFileItNames()
    {
        var root = new RootCommand("test");
        var fail = new Command("fail");
        fail.SetAction(_ => Explode());
        root.Subcommands.Add(fail);
        var error = new StringWriter();

        var code = await CliErrors.RunAsync(root, ["fail"], error);

        Assert.Equal(1, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("weipian: internal error: the tile grid lost a row", lines[0]);
        var path = Path.Combine(Path.GetTempPath(), $"weipian-trace-{Environment.ProcessId}.txt");
        Assert.Equal($"This is a bug in weipian, not in your input; the stack trace is in {path}.", lines[1].TrimEnd('\r'));
        try
        {
            var trace = await File.ReadAllTextAsync(path);
            Assert.Contains("weipian fail", trace);
            Assert.Contains("System.InvalidOperationException: the tile grid lost a row", trace);
            Assert.Contains(nameof(Explode), trace);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int Explode() => throw new InvalidOperationException("the tile grid lost a row");

    private static int ThrowIt(Exception e) => throw e;

    private static async Task<(int Code, string Stdout, string Stderr)> RunCliAsync(string[] args)
    {
        using var p = CliProcess.Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, (await stderr).Replace("\r", ""));
    }
}
