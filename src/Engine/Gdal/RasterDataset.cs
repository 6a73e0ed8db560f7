using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Gdal;

/// <summary>
/// A raster file opened or created through GDAL: size, bands, types, georeferencing, nodata, and
/// windowed reads and writes into spans. Band numbers are 1-based, as in GDAL.
/// </summary>
/// <remarks>
/// Not thread-safe: one instance per thread (open the file again for another thread). Disposing
/// closes the file; for a writable dataset that is also when GDAL writes what it still caches, and a
/// failure then throws <see cref="GdalException"/> rather than losing data silently.
/// </remarks>
public sealed partial class RasterDataset : IDisposable
{
    private readonly DatasetHandle _handle;

    private RasterDataset(nint handle, string path, bool writable)
    {
        _handle = new DatasetHandle(handle);
        Path = path;
        IsWritable = writable;
        Width = GdalNative.GDALGetRasterXSize(handle);
        Height = GdalNative.GDALGetRasterYSize(handle);
        BandCount = GdalNative.GDALGetRasterCount(handle);
    }

    /// <summary>The file this dataset reads or writes.</summary>
    public string Path { get; }

    /// <summary>True when opened for update or created.</summary>
    public bool IsWritable { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Number of bands.</summary>
    public int BandCount { get; }

    /// <summary>The whole raster as a window.</summary>
    public PixelWindow Extent => PixelWindow.Full(Width, Height);

    /// <summary>Opens a raster, read-only unless <paramref name="update"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="GdalException">GDAL cannot read it as a raster (truncated, not an image, ...).</exception>
    public static RasterDataset Open(string path, bool update = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        GdalLibrary.EnsureInitialized();
        if (!path.StartsWith("/vsi", StringComparison.Ordinal) && !File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Raster file '{path}' does not exist.", path);
        GdalLibrary.ResetError();
        var flags = GdalNative.OfRaster | GdalNative.OfVerboseError | (update ? GdalNative.OfUpdate : GdalNative.OfReadOnly);
        var h = GdalLibrary.CheckHandle(GdalNative.GDALOpenEx(path, flags, 0, 0, 0), "open raster", path);
        var ds = new RasterDataset(h, path, update);
        if (ds.BandCount == 0)
        {
            ds.Dispose();
            throw new GdalException("open raster", path, "the file has no raster bands");
        }
        return ds;
    }

    /// <summary>Creates a GeoTIFF (tiled, compressed as <paramref name="options"/> says).</summary>
    public static RasterDataset CreateGeoTiff(string path, int width, int height, int bands, RasterDataType type,
        GeoTiffOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateSize(width, height, bands);
        options ??= GeoTiffOptions.Default;
        return Create("GTiff", path, width, height, bands, type, options.ToCreationOptions(type, cog: false));
    }

    /// <summary>Creates a raster held in memory (GDAL's MEM driver), e.g. for reference algorithms.</summary>
    public static RasterDataset CreateInMemory(int width, int height, int bands, RasterDataType type)
    {
        ValidateSize(width, height, bands);
        return Create("MEM", "", width, height, bands, type, []);
    }

    private static RasterDataset Create(string driverName, string path, int width, int height, int bands,
        RasterDataType type, IEnumerable<string> options)
    {
        GdalLibrary.EnsureInitialized();
        var driver = Driver(driverName);
        using var list = new NativeStringList(options);
        GdalLibrary.ResetError();
        var h = GdalLibrary.CheckHandle(GdalNative.GDALCreate(driver, path, width, height, bands, (int)type, list.Pointer),
            "create raster", path);
        return new RasterDataset(h, path, writable: true);
    }

    /// <summary>
    /// Writes a Cloud-Optimised GeoTIFF copy of this dataset (internal tiles, overviews, COG layout)
    /// with GDAL's COG driver.
    /// </summary>
    /// <param name="path">The COG to write.</param>
    /// <param name="options">Tiling and compression; <see cref="GeoTiffOptions.CompressionThreads"/> also sets the threads GDAL uses.</param>
    /// <param name="overviewResampling">GDAL's overview resampling: AVERAGE for imagery, NEAREST for classes.</param>
    /// <param name="cancellationToken">Checked at each of GDAL's progress steps (a few per block row); cancelling stops the copy there.</param>
    /// <exception cref="OperationCanceledException">Cancelled; GDAL may leave a partial file at <paramref name="path"/>.</exception>
    /// <exception cref="GdalException">GDAL failed to write it.</exception>
    public void CopyToCog(string path, GeoTiffOptions? options = null, string overviewResampling = "AVERAGE",
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= GeoTiffOptions.Default;
        var creation = options.ToCreationOptions(DataType(1), cog: true);
        creation.Add("OVERVIEW_RESAMPLING=" + overviewResampling);
        CopyTo("COG", path, creation, cancellationToken);
    }

    /// <summary>Writes a copy of this dataset as a GeoTIFF.</summary>
    public void CopyToGeoTiff(string path, GeoTiffOptions? options = null)
    {
        options ??= GeoTiffOptions.Default;
        CopyTo("GTiff", path, options.ToCreationOptions(DataType(1), cog: false), CancellationToken.None);
    }

    private unsafe void CopyTo(string driverName, string path, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        var driver = Driver(driverName);
        using var list = new NativeStringList(options);
        cancellationToken.ThrowIfCancellationRequested();
        // The token travels to GDAL's progress callback through a GCHandle that lives only for the call.
        var token = cancellationToken.CanBeCanceled ? GCHandle.Alloc(cancellationToken) : default;
        try
        {
            GdalLibrary.ResetError();
            var h = token.IsAllocated
                ? GdalNative.GDALCreateCopy(driver, path, Handle, 0, list.Pointer, (nint)(delegate* unmanaged[Cdecl]<double, byte*, nint, int>)&ContinueUnlessCancelled, GCHandle.ToIntPtr(token))
                : GdalNative.GDALCreateCopy(driver, path, Handle, 0, list.Pointer, 0, 0);
            if (h == 0 && cancellationToken.IsCancellationRequested)
            {
                GdalLibrary.ResetError();
                throw new OperationCanceledException(cancellationToken);
            }
            GdalLibrary.CheckHandle(h, $"write {driverName} copy of '{Path}' to", path);
            GdalLibrary.ResetError();
            GdalNative.GDALClose(h);
            GdalLibrary.CheckLastError($"close {driverName}", path);
        }
        finally
        {
            if (token.IsAllocated) token.Free();
        }
    }

    // GDALProgressFunc: returning 0 makes GDAL stop with "User terminated".
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int ContinueUnlessCancelled(double complete, byte* message, nint token) =>
        ((CancellationToken)GCHandle.FromIntPtr(token).Target!).IsCancellationRequested ? 0 : 1;

    /// <summary>
    /// Builds a VRT that stacks single-band files (one per band, same grid) into one multiband
    /// scene, in the order given: how Landsat's per-band files become one scene.
    /// </summary>
    /// <exception cref="InputException">A file has more than one band.</exception>
    /// <exception cref="PixelGridException">A file is not on the first file's grid (size, geotransform, CRS).</exception>
    public static RasterDataset BuildStackedVrt(string vrtPath, IReadOnlyList<string> bandFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(vrtPath);
        if (bandFiles.Count == 0) throw new ArgumentException("At least one band file is needed to build a VRT.", nameof(bandFiles));
        GdalLibrary.EnsureInitialized();
        foreach (var f in bandFiles)
            if (!File.Exists(f)) throw new FileNotFoundException($"Band file '{f}' does not exist.", f);
        CheckStackable(bandFiles);
        using var argv = new NativeStringList(["-separate"]);
        using var names = new NativeStringList(bandFiles);
        GdalLibrary.ResetError();
        var options = GdalLibrary.CheckHandle(GdalNative.GDALBuildVRTOptionsNew(argv.Pointer, 0), "prepare VRT options", vrtPath);
        try
        {
            int usageError;
            nint h;
            unsafe { h = GdalNative.GDALBuildVRT(vrtPath, bandFiles.Count, 0, names.Pointer, options, &usageError); }
            GdalLibrary.CheckHandle(h, "build VRT", vrtPath);
            // Close so the .vrt is written, then reopen it as an ordinary raster.
            GdalNative.GDALClose(h);
            GdalLibrary.CheckLastError("write VRT", vrtPath);
        }
        finally
        {
            GdalNative.GDALBuildVRTOptionsFree(options);
        }
        return Open(vrtPath);
    }

    // gdalbuildvrt -separate resamples sources of another resolution to a common "average" grid,
    // skips a source in another CRS with only a warning, and takes band 1 of a multiband source.
    // A stacked band must be exactly its file's pixels, so all three are refused here instead.
    private static void CheckStackable(IReadOnlyList<string> bandFiles)
    {
        using var first = Open(bandFiles[0]);
        var crs = first.SpatialReference;
        var transform = first.GeoTransform;
        var tolerance = 1e-6 * Math.Max(Math.Abs(transform.PixelWidth), Math.Abs(transform.PixelHeight));
        for (var i = 0; i < bandFiles.Count; i++)
        {
            using var opened = i == 0 ? null : Open(bandFiles[i]);
            var f = opened ?? first;
            if (f.BandCount != 1)
                throw new InputException(
                    $"Band file '{f.Path}' has {f.BandCount} bands; a stacked VRT takes single-band files and would use only its first band.");
            if (i == 0) continue;
            var fCrs = f.SpatialReference;
            if (crs is null != fCrs is null || (crs is not null && fCrs is not null && !crs.IsSame(fCrs)))
                throw new PixelGridException(
                    $"Band file '{f.Path}' is in {fCrs?.ToString() ?? "no CRS"} but '{first.Path}' is in {crs?.ToString() ?? "no CRS"}; stacked bands must share one grid.");
            var t = f.GeoTransform;
            double[] a = t.ToArray(), b = transform.ToArray();
            if (f.Width != first.Width || f.Height != first.Height || a.Zip(b).Any(p => Math.Abs(p.First - p.Second) > tolerance))
                throw new PixelGridException(
                    $"Band file '{f.Path}' ({f.Width}x{f.Height} px, geotransform {t}) is not on the grid of '{first.Path}' " +
                    $"({first.Width}x{first.Height} px, geotransform {transform}); stacked bands must share one grid. Resample it first (gdalwarp -tr/-te).");
        }
    }

    /// <summary>Deletes a dataset and all its side files (GDAL's GDALDeleteDataset).</summary>
    public static void Delete(string path)
    {
        GdalLibrary.EnsureInitialized();
        using var ds = Open(path);
        var driver = GdalNative.GDALGetDatasetDriver(ds.Handle);
        ds.Dispose();
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALDeleteDataset(driver, path), "delete raster", path);
    }

    /// <summary>The GDAL driver's short name, e.g. "GTiff", "VRT", "COG" files read as "GTiff".</summary>
    public string DriverName => GdalNative.Utf8(GdalNative.GDALGetDriverShortName(GdalNative.GDALGetDatasetDriver(Handle))) ?? "";

    /// <summary>The files this dataset consists of (main file, .aux.xml, sources of a VRT, ...).</summary>
    public IReadOnlyList<string> FileList
    {
        get
        {
            var list = GdalNative.GDALGetFileList(Handle);
            try { return NativeStringList.Read(list); }
            finally { GdalNative.CSLDestroy(list); }
        }
    }

    /// <summary>Writes GDAL's cached blocks to the file now; throws when that fails.</summary>
    public void FlushCache()
    {
        GdalLibrary.ResetError();
        GdalNative.GDALFlushCache(Handle);
        GdalLibrary.CheckLastError("flush raster", Path);
    }

    /// <summary>Builds internal or external overviews, e.g. levels 2, 4, 8 with "AVERAGE".</summary>
    public unsafe void BuildOverviews(string resampling, ReadOnlySpan<int> levels)
    {
        GdalLibrary.ResetError();
        fixed (int* p = levels)
            GdalLibrary.Check(GdalNative.GDALBuildOverviews(Handle, resampling, levels.Length, p, 0, null, 0, 0),
                "build overviews", Path);
    }

    /// <summary>Closes the file; for a written dataset, a failure to write its last blocks throws.</summary>
    public void Dispose()
    {
        if (_handle.IsClosed) return;
        GdalLibrary.ResetError();
        _handle.Dispose();
        _warpSource?.Dispose();
        if (IsWritable) GdalLibrary.CheckLastError("close raster", Path);
    }

    internal nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    internal nint Band(int band)
    {
        if (band < 1 || band > BandCount)
            throw new ArgumentOutOfRangeException(nameof(band), band, $"'{Path}' has bands 1..{BandCount}; band {band} does not exist.");
        return GdalNative.GDALGetRasterBand(Handle, band);
    }

    private static nint Driver(string name) =>
        GdalNative.GDALGetDriverByName(name) is var d && d != 0
            ? d
            : throw new GdalException("find driver", name, $"GDAL has no '{name}' driver");

    private static void ValidateSize(int width, int height, int bands)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Raster size {width}x{height} must be positive.");
        if (bands <= 0) throw new ArgumentOutOfRangeException(nameof(bands), bands, "A raster needs at least one band.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path} ({Width}x{Height}, {BandCount} band(s))";
}
