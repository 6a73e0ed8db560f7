using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Stitching;

namespace WeiPian.Engine.Output;

/// <summary>
/// The class raster (<see cref="DetectionOptions.ClassRasterPath"/>): band 1 the class, band 2 the confidence in whole
/// percent, "not assessed" where there is no result (<see cref="ClassRasterLegend"/>). Written strip by strip into a
/// temporary GeoTIFF in the run's work folder, with its overviews as the strips go by (<see cref="ClassRasterOverviews"/>),
/// then made a COG and renamed into place by <see cref="Finish"/>.
/// </summary>
internal sealed class ClassRasterWriter : IDisposable
{
    // The temporary class raster is written once and read once, by the COG step after the last strip: ZSTD level 1
    // without a predictor costs less CPU both ways than DEFLATE level 1 with one, and is smaller on these rasters.
    private static readonly GeoTiffOptions TempOptions = new()
    {
        Compression = TiffCompression.Zstd, Level = 1, Predictor = false, PixelInterleaved = false,
    };

    // The COG is compressed on every core: the step runs after the model's last tile, so the cores are free
    // (measured in bench/Pipeline/RESULTS.md § 7).
    private static readonly GeoTiffOptions CogOptions = new() { CompressionThreads = Environment.ProcessorCount };

    private const string AuxiliaryFile = ".aux.xml";

    private readonly AtomicOutput _target;
    private readonly string _path;
    private readonly string _tempPath;
    private readonly RasterDataset _raster;
    private readonly ClassRasterOverviews? _overviews;
    private readonly byte[] _classes;
    private readonly byte[] _percent;

    /// <summary>Creates the temporary raster.</summary>
    /// <param name="target">The class raster's atomic output, begun with the run's checks.</param>
    /// <param name="path">The class raster as the caller named it.</param>
    /// <param name="workDir">The run's work folder, for the temporary GeoTIFF.</param>
    /// <param name="grid">The run's grid; it has a CRS.</param>
    /// <param name="card">The model's card: the class names and colours.</param>
    /// <param name="stripPixels">The most pixels a strip holds.</param>
    public ClassRasterWriter(AtomicOutput target, string path, string workDir, PixelGrid grid, ModelCard card, int stripPixels)
    {
        _target = target;
        _path = path;
        _tempPath = Path.Combine(workDir, "class.tif");
        _raster = RasterDataset.CreateGeoTiff(_tempPath, grid.Width, grid.Height, 2, RasterDataType.Byte, TempOptions);
        _raster.GeoTransform = grid.Transform;
        _raster.SpatialReference = grid.Crs;
        ClassRasterLegend.Apply(_raster, card);
        _raster.SetBandDescription(1, "change class");
        _raster.SetBandDescription(2, "confidence (%)");
        _classes = new byte[stripPixels];
        _percent = new byte[stripPixels];
        _overviews = ClassRasterOverviews.For(grid.Width, grid.Height, GeoTiffOptions.Default.BlockSize);
        if (_overviews is not null && !_overviews.Create(_raster)) _overviews = null;
    }

    /// <summary>Writes a masked strip (<see cref="ClassStrip.ApplyMask"/> done) and its overview rows.</summary>
    public void Write(ClassStrip strip)
    {
        var len = strip.Length;
        strip.MarkNotAssessed(_classes, _percent, ClassRasterLegend.NotAssessed);
        _raster.Write<byte>(1, strip.Window, _classes.AsSpan(0, len));
        _raster.Write<byte>(2, strip.Window, _percent.AsSpan(0, len));
        _overviews?.Write(_raster, strip.Window, _classes.AsSpan(0, len), _percent.AsSpan(0, len));
    }

    /// <summary>
    /// After the last strip: the class raster becomes a COG (overviews by nearest neighbour: classes must not be
    /// averaged) and goes into place with its legend. <paramref name="cancellationToken"/> stops the copy at its next
    /// progress step.
    /// </summary>
    public void Finish(CancellationToken cancellationToken)
    {
        _raster.Dispose();
        // GeoTIFF has no tag for category names: GDAL copies them into a .aux.xml beside the COG, which goes into place
        // with it (the colour table and nodata are inside the TIFF).
        var sidecar = _target.TempPath + AuxiliaryFile;
        try
        {
            using var legend = AtomicOutput.Begin(_path + AuxiliaryFile);
            using (var temp = RasterDataset.Open(_tempPath))
                temp.CopyToCog(_target.TempPath, CogOptions, "NEAREST", cancellationToken);
            File.Move(sidecar, legend.TempPath);
            legend.Commit();
            _target.Commit();
        }
        finally
        {
            File.Delete(sidecar);
        }
    }

    /// <summary>Closes the temporary raster (if <see cref="Finish"/> has not).</summary>
    public void Dispose() => _raster.Dispose();
}
