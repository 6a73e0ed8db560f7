using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Bench.Vector;

/// <summary>
/// GDALPolygonize (baseline: in-memory OGR layer) against the streaming <see cref="Polygonizer"/> (strips of 256 rows
/// into a <see cref="PolygonStore"/>), single thread, on 4-class rasters; Ratio reads as the fraction of GDAL's time.
/// <c>dotnet run -c Release --project bench -- --filter *PolygonizerBenchmarks*</c>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class PolygonizerBenchmarks
{
    private static readonly GeoTransform Transform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
    private byte[] _pixels = [];
    private RasterDataset? _raster;
    private VectorDataset? _layerSource;
    private PolygonStore? _store;

    /// <summary><see cref="BenchConfigs.SecondsLong"/> with a Mpx/s column.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(BenchConfigs.SecondsLong);
            AddColumn(new MegapixelsPerSecond());
        }
    }

    /// <summary>A raster pattern and size (see <see cref="ClassRasters"/>).</summary>
    public sealed record RasterCase(string Pattern, int Size)
    {
        public override string ToString() => $"{Pattern} {Size}²";
    }

    public static IEnumerable<RasterCase> Rasters() =>
        [new("blocks6", 4096), new("blocks6", 8192), new("noise", 2048)];

    [ParamsSource(nameof(Rasters))]
    public RasterCase Raster { get; set; } = new("blocks6", 4096);

    [Params(PixelConnectivity.Four, PixelConnectivity.Eight)]
    public PixelConnectivity Connectivity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pixels = ClassRasters.Make(Raster.Pattern, Raster.Size);
        _raster = RasterDataset.CreateInMemory(Raster.Size, Raster.Size, 1, RasterDataType.Byte);
        _raster.GeoTransform = Transform;
        _raster.Write<byte>(1, _raster.Extent, _pixels);
    }

    [GlobalCleanup]
    public void Cleanup() => _raster?.Dispose();

    [IterationCleanup]
    public void DropPolygons()
    {
        _layerSource?.Dispose();
        _layerSource = null;
        _store = null;
    }

    [Benchmark(Baseline = true, Description = "GDALPolygonize")]
    public long Gdal()
    {
        _layerSource = VectorDataset.CreateInMemory();
        var layer = _layerSource.CreateLayer("polygons", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GdalReference.Polygonize(_raster!, 1, layer, 0, Connectivity == PixelConnectivity.Eight);
        return layer.FeatureCount;
    }

    [Benchmark(Description = "Polygonizer")]
    public long Ours()
    {
        _store = new PolygonStore();
        var size = Raster.Size;
        var p = new Polygonizer(size, _store, Connectivity, Transform);
        for (var y = 0; y < size; y += 256)
            p.Push(_pixels.AsSpan(y * size, Math.Min(256, size - y) * size));
        p.Finish();
        return _store.Count;
    }

    /// <summary>Throughput: raster megapixels per second of the mean time.</summary>
    private sealed class MegapixelsPerSecond : BenchColumn
    {
        public override string Id => "Mpx/s";
        public override string ColumnName => "Mpx/s";
        public override string Legend => "Raster megapixels per second (mean)";

        protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
        {
            var stats = summary[benchmarkCase]?.ResultStatistics;
            if (stats is null || benchmarkCase.Parameters["Raster"] is not RasterCase raster) return null;
            var seconds = stats.Mean / 1e9;
            return ((double)raster.Size * raster.Size / 1e6 / seconds).ToString("F1", CultureInfo.InvariantCulture);
        }
    }
}
