using System.Diagnostics;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Vector;

/// <summary>What <see cref="RasterPolygonizer"/> reads and writes.</summary>
public sealed record PolygonizeOptions
{
    /// <summary>The band to polygonise (1-based), as gdal_polygonize's -b.</summary>
    public int Band { get; init; } = 1;

    /// <summary>4 (gdal_polygonize's default) or 8 (its -8).</summary>
    public PixelConnectivity Connectivity { get; init; } = PixelConnectivity.Four;

    /// <summary>OGR driver: "GPKG", "ESRI Shapefile" or "GeoJSON"; null picks it from the output's extension (an extension that names no format is refused).</summary>
    public string? Driver { get; init; }

    /// <summary>The integer field holding each polygon's pixel value.</summary>
    public string FieldName { get; init; } = "value";

    /// <summary>The layer name; null for the output file's stem (a Shapefile's layer always is its stem).</summary>
    public string? LayerName { get; init; }

    /// <summary>Features per transaction (GeoPackage; ignored by drivers without transactions), as ogr2ogr's -gt.</summary>
    public int FeaturesPerTransaction { get; init; } = 100_000;
}

/// <summary>What a polygonisation wrote.</summary>
/// <param name="Path">The output.</param>
/// <param name="Polygons">Features written: one per connected region of equal value.</param>
/// <param name="Vertices">Ring vertices over all polygons (rings unclosed).</param>
/// <param name="Pixels">Pixels read.</param>
/// <param name="Elapsed">Wall time, from opening the raster to the output renamed into place.</param>
public sealed record PolygonizeResult(string Path, long Polygons, long Vertices, long Pixels, TimeSpan Elapsed);

/// <summary>
/// The stand-alone polygonisation of a class raster into a vector file, like gdal_polygonize: one feature per connected
/// region of equal value, the value in an integer field, pixels masked by the band's mask (nodata, alpha, .msk) skipped,
/// in the raster's CRS. The raster is read in strips through the streaming <see cref="Polygonizer"/>, so memory follows
/// the width, not the height, and each polygon is written as soon as its region closes, in transactions. The output is
/// written under a temporary name and renamed into place only when complete.
/// </summary>
/// <remarks>
/// Geometry equals GDALPolygonize's for the same band, mask and connectivity (see <see cref="Polygonizer"/>). The
/// polygoniser takes class values 0..255: Byte bands, or integer bands whose valid pixels stay in that range (a value
/// outside it stops the run with its position); floating-point bands are refused rather than truncated.
/// </remarks>
public static class RasterPolygonizer
{
    /// <summary>Rows per strip unless the raster's blocks are taller.</summary>
    private const int MinStripRows = 256;

    /// <summary>Polygonises one band of <paramref name="rasterPath"/> into <paramref name="outputPath"/>.</summary>
    /// <param name="rasterPath">Any raster GDAL reads.</param>
    /// <param name="outputPath">The vector file (.gpkg, .shp, .geojson, .gdb), replaced when it exists; never the raster, never a folder (but a FileGDB).</param>
    /// <param name="options">Band, connectivity, driver, field and layer names; null for gdal_polygonize's defaults with field <c>value</c>.</param>
    /// <param name="progress">Receives the share of rows done, 0..1.</param>
    /// <param name="cancellationToken">Stops between strips and every few thousand polygons written; nothing is left under the final name.</param>
    /// <exception cref="InputException">The output is the raster, a folder, or has an extension that names no format without <see cref="PolygonizeOptions.Driver"/>.</exception>
    /// <exception cref="FileNotFoundException">The raster does not exist.</exception>
    /// <exception cref="GdalException">GDAL cannot read the raster or write the output.</exception>
    /// <exception cref="InputException">The band does not exist, is floating-point, or holds a value outside 0..255.</exception>
    /// <exception cref="PixelGridException">The raster is larger than <see cref="RasterLimits"/> allow; nothing is written.</exception>
    public static PolygonizeResult Run(string rasterPath, string outputPath, PolygonizeOptions? options = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new PolygonizeOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FeaturesPerTransaction, 1);
        var clock = Stopwatch.StartNew();
        var driver = options.Driver ?? VectorOutput.DriverFor(outputPath);
        OutputPaths.EnsureApart(outputPath, rasterPath);
        using var raster = RasterDataset.Open(rasterPath);
        RasterLimits.EnsureWithin(raster, "a raster to polygonise");
        var source = new StripSource(raster, options.Band);
        var transform = raster.HasGeoTransform ? raster.GeoTransform : GeoTransform.Identity;

        using var output = VectorOutput.Create(outputPath, driver);
        var layerName = output.LayerName(options.LayerName ?? Path.GetFileNameWithoutExtension(outputPath));
        var layer = output.Dataset.CreateLayer(layerName, GeometryKind.Polygon, raster.SpatialReference,
            [new FieldDefinition(options.FieldName, FieldKind.Integer)]);
        var writer = new LayerWriter(output.Dataset, layer, options.FeaturesPerTransaction, cancellationToken);
        try
        {
            var polygonizer = new Polygonizer(raster.Width, writer, options.Connectivity, transform, source.NoData);
            for (var y = 0; y < raster.Height; y += source.StripRows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = Math.Min(source.StripRows, raster.Height - y);
                source.Read(y, rows);
                polygonizer.Push(source.Pixels, source.Mask);
                progress?.Report((double)(y + rows) / raster.Height);
            }
            polygonizer.Finish();
            writer.Commit();
        }
        finally
        {
            writer.Dispose();
        }
        output.Commit();
        return new PolygonizeResult(output.FinalPath, writer.Count, writer.Vertices, (long)raster.Width * raster.Height, clock.Elapsed);
    }

    /// <summary>Reads strips of one band as class values (bytes) and, where GDAL has one, its validity mask.</summary>
    private sealed class StripSource
    {
        private readonly RasterDataset _raster;
        private readonly int _band;
        private readonly byte[] _pixels;
        private readonly byte[]? _mask;
        private readonly int[]? _wide;
        private int _length;

        public StripSource(RasterDataset raster, int band)
        {
            _raster = raster;
            _band = band;
            if (band < 1 || band > raster.BandCount)
                throw new InputException($"'{raster.Path}' has bands 1..{raster.BandCount}; band {band} does not exist.") { Setting = nameof(PolygonizeOptions.Band) };
            var type = raster.DataType(band);
            if (type is RasterDataType.Float32 or RasterDataType.Float64 or RasterDataType.Unknown)
                throw new InputException(
                    $"Band {band} of '{raster.Path}' is {type}; the polygoniser takes integer class values 0..255 (round or classify the raster first).");
            var flags = raster.MaskFlags(band);
            // A Byte band masked only by its nodata value: the polygoniser skips that value itself, no mask to read.
            if (type == RasterDataType.Byte && flags == RasterMaskFlags.NoData && raster.NoData(band) is { } nd && nd is >= 0 and <= 255 && nd == Math.Floor(nd))
                NoData = (byte)nd;
            // Whole blocks per strip, unless a block is very tall (a single-strip TIFF): then GDAL's block cache serves
            // the strips and memory still follows the width.
            var blockRows = Math.Max(1, raster.BlockSize(band).Height);
            var rows = blockRows <= 4 * MinStripRows ? (MinStripRows + blockRows - 1) / blockRows * blockRows : MinStripRows;
            StripRows = Math.Min(raster.Height, rows);
            var size = StripRows * raster.Width;
            _pixels = new byte[size];
            if (NoData is null && !flags.HasFlag(RasterMaskFlags.AllValid)) _mask = new byte[size];
            if (type != RasterDataType.Byte) _wide = new int[size];
        }

        /// <summary>Rows per strip: at least <see cref="MinStripRows"/> (unless the raster is shorter), a whole number of the band's blocks where they are not taller than 4 strips.</summary>
        public int StripRows { get; }

        /// <summary>The value the polygoniser masks itself, when no mask needs reading.</summary>
        public byte? NoData { get; }

        /// <summary>The last strip's class values.</summary>
        public ReadOnlySpan<byte> Pixels => _pixels.AsSpan(0, _length);

        /// <summary>The last strip's mask (0 = masked), or empty when every pixel counts.</summary>
        public ReadOnlySpan<byte> Mask => _mask is null ? default : _mask.AsSpan(0, _length);

        public void Read(int y, int rows)
        {
            var window = new PixelWindow(0, y, _raster.Width, rows);
            _length = rows * _raster.Width;
            if (_mask is not null) _raster.ReadMask(_band, window, _mask.AsSpan(0, _length));
            if (_wide is null)
            {
                _raster.Read<byte>(_band, window, _pixels.AsSpan(0, _length));
                return;
            }
            var wide = _wide.AsSpan(0, _length);
            _raster.Read<int>(_band, window, wide);
            var mask = Mask;
            for (var i = 0; i < wide.Length; i++)
            {
                var v = wide[i];
                if ((uint)v <= 255) _pixels[i] = (byte)v;
                else if (mask.IsEmpty || mask[i] != 0)
                    throw new InputException(
                        $"Band {_band} of '{_raster.Path}' holds {v} at column {i % _raster.Width}, row {y + i / _raster.Width}; the polygoniser takes class values 0..255.");
                else _pixels[i] = 0;
            }
        }
    }

    /// <summary>Writes each closed polygon as a feature with its value, committing every so many features.</summary>
    /// <remarks>
    /// Looks at the token every 4096 features: a strip of a noisy raster closes hundreds of thousands of polygons,
    /// seconds of writing, and a stop asked in between must not wait for the strip's end.
    /// </remarks>
    private sealed class LayerWriter(VectorDataset dataset, VectorLayer layer, int perTransaction, CancellationToken cancellationToken) : IPolygonSink, IDisposable
    {
        private static readonly object[] Boxed = Enumerable.Range(0, 256).Select(v => (object)v).ToArray();
        private byte[] _wkb = new byte[4096];
        private VectorTransaction _transaction = dataset.BeginTransaction();
        private long _uncommitted;

        public long Count { get; private set; }

        public long Vertices { get; private set; }

        public void Add(ClassPolygonView polygon)
        {
            var size = polygon.WkbSize;
            if (size > _wkb.Length) _wkb = new byte[Math.Max(size, 2 * _wkb.Length)];
            polygon.WriteWkb(_wkb);
            layer.Add(_wkb.AsSpan(0, size), [Boxed[polygon.Value]]);
            Count++;
            Vertices += polygon.VertexCount;
            if ((Count & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (++_uncommitted < perTransaction) return;
            _transaction.Commit();
            _transaction = dataset.BeginTransaction();
            _uncommitted = 0;
        }

        public void Commit() => _transaction.Commit();

        public void Dispose() => _transaction.Dispose();
    }
}
