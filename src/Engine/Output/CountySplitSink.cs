using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Survey;

namespace WeiPian.Engine.Output;

/// <summary>
/// Writes 图斑 into one file per county, since each county verifies its own: <c>OUT_XZQDM.ext</c> beside OUT
/// (<c>tuban.gpkg</c> gives <c>tuban_420506.gpkg</c>, <c>tuban_420582.gpkg</c>, ...), each a complete
/// <see cref="TubanWriter"/> output in the same format. A county without polygons gets no file.
/// </summary>
/// <remarks>
/// <para>Each file is written under a temporary name and renamed into place on <see cref="Commit"/>, one after the other:
/// a crash during the commits can leave some counties' files renamed and not others, never a half-written file.</para>
/// <para>County codes are 6 digits (a survey with another XZQDM is refused when it is read), so every county has its own
/// file name. County files of an earlier run for counties this run did not see are left as they are, never deleted
/// (nothing proves which run wrote them); <see cref="Commit"/> names them to the logger, else through <see cref="OutputNotices"/>.</para>
/// </remarks>
internal sealed class CountySplitSink : ITubanSink
{
    private readonly string _path;
    private readonly SpatialReference _crs;
    private readonly TubanFormat _format;
    private readonly string _encoding;
    private readonly ILogger? _logger;
    private readonly SortedDictionary<string, TubanWriter.Sink> _sinks = new(StringComparer.Ordinal);

    /// <summary>A writer of county files beside <paramref name="path"/>.</summary>
    /// <param name="path">The path a single output would have; county files take its folder, stem and extension.</param>
    /// <param name="crs">The CRS of the polygons.</param>
    /// <param name="format">The format of every file.</param>
    /// <param name="shapefileEncoding">Shapefile text encoding: "GBK" (default) or "UTF-8".</param>
    /// <param name="logger">Told (information) of county files kept and leftovers removed; null: <see cref="OutputNotices"/>.</param>
    /// <exception cref="InputException">The folder of <paramref name="path"/> does not exist.</exception>
    public CountySplitSink(string path, SpatialReference crs, TubanFormat format, string shapefileEncoding = "GBK", ILogger? logger = null)
    {
        _logger = logger;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir)) throw new InputException($"Cannot write '{path}': the folder '{dir}' does not exist.");
        _path = path;
        _crs = crs;
        _format = format;
        _encoding = shapefileEncoding;
    }

    /// <summary>The file for one county: the stem of <paramref name="path"/>, '_', the county code, the extension.</summary>
    /// <exception cref="InputException"><paramref name="county"/> is not 6 digits.</exception>
    public static string PathFor(string path, string county)
    {
        if (!CountyCode.IsValid(county))
            throw new InputException($"Cannot split '{path}' by county: county code ({TubanSchema.CountyCode.Name}) '{county}' is not 6 digits.");
        return Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}_{county}{Path.GetExtension(path)}");
    }

    /// <summary>
    /// Refuses county files beside <paramref name="path"/> that could replace an input: an input named as a county
    /// file of <paramref name="path"/> (<c>OUT_</c>6 digits<c>.ext</c>, or a member of such a Shapefile), or a folder
    /// of <paramref name="path"/> inside an input folder.
    /// </summary>
    /// <exception cref="InputException">One input is in the way.</exception>
    public static void EnsureApart(string path, params IEnumerable<string?> inputs)
    {
        var dir = OutputPaths.RealPath(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var names = CountyFileName(path, members: true);
        foreach (var input in inputs.OfType<string>().Where(i => i.Length > 0))
        {
            var real = OutputPaths.RealPath(input);
            if (Directory.Exists(real) && (OutputPaths.Same(real, dir) || OutputPaths.Inside(real, dir)))
                throw new InputException($"Cannot write the county files of '{path}': they would lie inside the input folder '{input}'.");
            if (Path.GetDirectoryName(real) is { } d && OutputPaths.Same(d, dir) && names.IsMatch(Path.GetFileName(real)))
                throw new InputException($"Cannot write the county files of '{path}': the input '{input}' has the name of one.");
        }
    }

    /// <summary>Polygons written so far, over all counties.</summary>
    public int Count => _sinks.Values.Sum(s => s.Count);

    /// <inheritdoc />
    public IReadOnlyList<string> Paths => _sinks.Keys.Select(c => PathFor(_path, c)).ToList();

    /// <inheritdoc />
    /// <exception cref="InputException">The polygon's county code is not 6 digits.</exception>
    public void Add(Tuban t)
    {
        if (!_sinks.TryGetValue(t.Xzqdm, out var sink))
            _sinks[t.Xzqdm] = sink = TubanWriter.Create(PathFor(_path, t.Xzqdm), _crs, _format, _encoding, _logger);
        sink.Add(t);
    }

    /// <inheritdoc />
    public void Commit()
    {
        foreach (var sink in _sinks.Values) sink.Commit();
        var dir = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        var names = CountyFileName(_path, members: false);
        var earlier = Directory.EnumerateFileSystemEntries(dir)
            .Select(Path.GetFileName)
            .Where(n => names.Match(n!) is { Success: true } m && !_sinks.ContainsKey(m.Groups[1].Value))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (earlier.Count > 0)
            OutputNotices.Raise(_logger,
                $"kept {earlier.Count} county file(s) beside '{_path}' for counties this run has no polygon in (an earlier run's?): {string.Join(", ", earlier)}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sink in _sinks.Values) sink.Dispose();
    }

    // OUT_<6 digits>.ext; with members, a Shapefile's other members too.
    private static Regex CountyFileName(string path, bool members)
    {
        var ext = Path.GetExtension(path);
        var endings = members && ext.Equals(".shp", StringComparison.OrdinalIgnoreCase) ? AtomicOutput.ShapefileMembers : [ext];
        return new Regex($"^{Regex.Escape(Path.GetFileNameWithoutExtension(path))}_([0-9]{{6}})({string.Join("|", endings.Select(Regex.Escape))})$",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    }
}
