using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Output;

/// <summary>
/// Writes 图斑 into one file per county, since each county verifies its own: <c>OUT_XZQDM.ext</c> beside OUT
/// (<c>tuban.gpkg</c> gives <c>tuban_420506.gpkg</c>, <c>tuban_420582.gpkg</c>, ...), each a complete
/// <see cref="TubanWriter"/> output in the same format. A county without polygons gets no file.
/// </summary>
/// <remarks>
/// Each file is written under a temporary name and renamed into place on <see cref="Commit"/>, one after the other:
/// a crash during the commits can leave some counties' files renamed and not others, never a half-written file.
/// </remarks>
public sealed class CountySplitSink : ITubanSink
{
    private readonly string _path;
    private readonly SpatialReference _crs;
    private readonly TubanFormat _format;
    private readonly string _encoding;
    private readonly SortedDictionary<string, TubanWriter.Sink> _sinks = new(StringComparer.Ordinal);

    /// <summary>A writer of county files beside <paramref name="path"/>.</summary>
    /// <param name="path">The path a single output would have; county files take its folder, stem and extension.</param>
    /// <param name="crs">The CRS of the polygons.</param>
    /// <param name="format">The format of every file.</param>
    /// <param name="shapefileEncoding">Shapefile text encoding: "GBK" (default) or "UTF-8".</param>
    public CountySplitSink(string path, SpatialReference crs, TubanFormat format, string shapefileEncoding = "GBK")
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Cannot write '{path}': the folder '{dir}' does not exist.");
        _path = path;
        _crs = crs;
        _format = format;
        _encoding = shapefileEncoding;
    }

    /// <summary>The file for one county: the stem of <paramref name="path"/>, '_', the county code (characters a file
    /// name cannot hold replaced by '_'), the extension.</summary>
    public static string PathFor(string path, string county)
    {
        var safe = string.Concat(county.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c));
        return Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}_{safe}{Path.GetExtension(path)}");
    }

    /// <summary>Polygons written so far, over all counties.</summary>
    public int Count => _sinks.Values.Sum(s => s.Count);

    /// <inheritdoc />
    public IReadOnlyList<string> Paths => _sinks.Keys.Select(c => PathFor(_path, c)).ToList();

    /// <inheritdoc />
    public void Add(Tuban t)
    {
        if (!_sinks.TryGetValue(t.Xzqdm, out var sink))
            _sinks[t.Xzqdm] = sink = TubanWriter.Create(PathFor(_path, t.Xzqdm), _crs, _format, _encoding);
        sink.Add(t);
    }

    /// <inheritdoc />
    public void Commit()
    {
        foreach (var sink in _sinks.Values) sink.Commit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sink in _sinks.Values) sink.Dispose();
    }
}
