using System.Runtime.InteropServices;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Training;

/// <summary>
/// Writes a chip's GeoTIFFs: a date's window in the card's bands and the scene's own pixel type (no rescaling: the
/// training recipe scales as the card says, as the detector does), and the class mask; each georeferenced on the
/// chip's grid, with the scene's acquisition date (metadata ACQUISITION_DATE) when it has one. Reuses one pixel buffer for every chip of a run, grown once to the widest pixel type met.
/// </summary>
internal sealed class ChipFiles(int size)
{
    private static readonly GeoTiffOptions Options = GeoTiffOptions.Default with { Tiled = false };

    private byte[] _pixels = [];
    private readonly byte[] _valid = new byte[size * size];
    private readonly byte[] _band = new byte[size * size];

    /// <summary>Per pixel of the last <see cref="ReadValid"/>, non-zero where every band read had data.</summary>
    public Span<byte> Valid => _valid.AsSpan(0, size * size);

    /// <summary>Starts a validity mask: every pixel valid.</summary>
    public void ClearValid() => Valid.Fill(1);

    /// <summary>Clears <see cref="Valid"/> wherever a band's GDAL mask (nodata, alpha, outside a warped date) says no data.</summary>
    public void ReadValid(Scene scene, ReadOnlySpan<int> bandNumbers, PixelWindow window)
    {
        var band = _band.AsSpan(0, size * size);
        var valid = Valid;
        foreach (var b in bandNumbers)
        {
            if (scene.Dataset.MaskFlags(b) == RasterMaskFlags.AllValid) continue;
            scene.Dataset.ReadMask(b, window, band);
            for (var i = 0; i < valid.Length; i++)
                if (band[i] == 0) valid[i] = 0;
        }
    }

    /// <summary>Copies <paramref name="window"/> of <paramref name="scene"/>'s bands to a GeoTIFF on <paramref name="chip"/>.</summary>
    public void CopyWindow(Scene scene, int[] bandNumbers, PixelWindow window, PixelGrid chip, string path)
    {
        switch (scene.DataType)
        {
            case RasterDataType.Byte: Copy<byte>(scene, bandNumbers, window, chip, path); break;
            case RasterDataType.UInt16: Copy<ushort>(scene, bandNumbers, window, chip, path); break;
            case RasterDataType.Int16: Copy<short>(scene, bandNumbers, window, chip, path); break;
            case RasterDataType.UInt32: Copy<uint>(scene, bandNumbers, window, chip, path); break;
            case RasterDataType.Int32: Copy<int>(scene, bandNumbers, window, chip, path); break;
            case RasterDataType.Float32: Copy<float>(scene, bandNumbers, window, chip, path); break;
            default: Copy<double>(scene, bandNumbers, window, chip, path); break;
        }
    }

    /// <summary>Writes a class mask (Byte, nodata <see cref="TrainingOptions.Ignore"/>) on <paramref name="chip"/>.</summary>
    public static void WriteMask(ReadOnlySpan<byte> mask, PixelGrid chip, string path)
    {
        using var ds = Create(path, chip, 1, RasterDataType.Byte);
        ds.Write(1, chip.Extent, mask[..(chip.Width * chip.Height)]);
        ds.SetNoData(1, TrainingOptions.Ignore);
        ds.SetBandDescription(1, "class");
    }

    private void Copy<T>(Scene scene, int[] bandNumbers, PixelWindow window, PixelGrid chip, string path) where T : unmanaged
    {
        var count = window.Width * window.Height * bandNumbers.Length;
        var bytes = (long)count * RasterDataTypes.SizeOf(scene.DataType);
        if (_pixels.Length < bytes) _pixels = new byte[bytes];
        var pixels = MemoryMarshal.Cast<byte, T>(_pixels.AsSpan())[..count];
        scene.ReadBands(window, pixels, bandNumbers);
        using var ds = Create(path, chip, bandNumbers.Length, scene.DataType);
        ds.WriteBands<T>(chip.Extent, pixels);
        // The scene's date travels with the chip, so a chip is a scene pair the detector (and bench-models --split) can run.
        if (scene.AcquisitionDate is { } date) ds.SetMetadataItem("ACQUISITION_DATE", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 0; i < bandNumbers.Length; i++)
        {
            var b = bandNumbers[i];
            if (scene.NoData[b - 1] is { } nodata) ds.SetNoData(i + 1, nodata);
            ds.SetBandDescription(i + 1, BandOrder.ShortName(scene.BandRoles[b - 1]));
            // GeoTIFF calls 3 Byte bands red, green, blue in that order unless told: B,G,R chips would show swapped.
            ds.SetColorInterpretation(i + 1, BandOrder.ColorOf(scene.BandRoles[b - 1]));
        }
    }

    private static RasterDataset Create(string path, PixelGrid chip, int bands, RasterDataType type)
    {
        var ds = RasterDataset.CreateGeoTiff(path, chip.Width, chip.Height, bands, type, Options);
        try
        {
            ds.GeoTransform = chip.Transform;
            ds.SpatialReference = chip.Crs;
            return ds;
        }
        catch
        {
            ds.Dispose();
            throw;
        }
    }
}
