namespace WeiPian.Engine.Gdal;

/// <summary>
/// A vector data source opened or created through OGR: GeoPackage, Shapefile (with its .cpg or an
/// explicit encoding such as GBK), FileGDB (OpenFileGDB), GeoJSON, or in memory.
/// </summary>
/// <remarks>Not thread-safe: one instance per thread. Disposing closes it and, for a written source, flushes it.</remarks>
public sealed class VectorDataset : IDisposable
{
    private readonly DatasetHandle _handle;
    private readonly Dictionary<nint, VectorLayer> _layers = new();

    private VectorDataset(nint handle, string path, bool writable)
    {
        _handle = new DatasetHandle(handle);
        Path = path;
        IsWritable = writable;
    }

    /// <summary>The file or folder of the source.</summary>
    public string Path { get; }

    /// <summary>True when opened for update or created.</summary>
    public bool IsWritable { get; }

    /// <summary>
    /// Opens a vector source. <paramref name="encoding"/> (e.g. "GBK") tells the Shapefile driver how the
    /// .dbf is encoded when no .cpg says so; other drivers ignore it.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="GdalException">OGR cannot read it, or it holds no layer.</exception>
    public static VectorDataset Open(string path, bool update = false, string? encoding = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        GdalLibrary.EnsureInitialized();
        if (!path.StartsWith("/vsi", StringComparison.Ordinal) && !File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Vector file '{path}' does not exist.", path);
        var openOptions = encoding is null ? [] : new[] { "ENCODING=" + encoding };
        using var options = new NativeStringList(openOptions);
        GdalLibrary.ResetError();
        var flags = GdalNative.OfVector | GdalNative.OfVerboseError | (update ? GdalNative.OfUpdate : GdalNative.OfReadOnly);
        var h = GdalLibrary.CheckHandle(GdalNative.GDALOpenEx(path, flags, 0, options.Pointer, 0), "open vector source", path);
        GdalLibrary.ResetError();
        var ds = new VectorDataset(h, path, update);
        if (!update && ds.LayerCount == 0)
        {
            ds.Dispose();
            throw new GdalException("open vector source", path, "it contains no layer");
        }
        return ds;
    }

    /// <summary>
    /// Creates a vector source with an OGR driver: "GPKG", "ESRI Shapefile", "OpenFileGDB" (a .gdb folder),
    /// "GeoJSON", "FlatGeobuf", or "Memory".
    /// </summary>
    public static VectorDataset Create(string path, string driverName)
    {
        ArgumentException.ThrowIfNullOrEmpty(driverName);
        GdalLibrary.EnsureInitialized();
        var driver = GdalNative.GDALGetDriverByName(driverName);
        if (driver == 0) throw new GdalException("find driver", driverName, $"GDAL has no '{driverName}' driver");
        GdalLibrary.ResetError();
        var h = GdalLibrary.CheckHandle(GdalNative.GDALCreate(driver, path, 0, 0, 0, 0, 0), $"create {driverName} source", path);
        return new VectorDataset(h, path, writable: true);
    }

    /// <summary>Creates an in-memory source (OGR's Memory driver), e.g. for reference algorithms.</summary>
    public static VectorDataset CreateInMemory() => Create("", "Memory");

    /// <summary>The OGR driver's short name.</summary>
    public string DriverName => GdalNative.Utf8(GdalNative.GDALGetDriverShortName(GdalNative.GDALGetDatasetDriver(Handle))) ?? "";

    /// <summary>Number of layers.</summary>
    public int LayerCount => GdalNative.GDALDatasetGetLayerCount(Handle);

    /// <summary>All layers in order.</summary>
    public IReadOnlyList<VectorLayer> Layers => Enumerable.Range(0, LayerCount).Select(Layer).ToList();

    /// <summary>The layer at a 0-based index.</summary>
    public VectorLayer Layer(int index)
    {
        if (index < 0 || index >= LayerCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Path}' has {LayerCount} layer(s).");
        return Wrap(GdalNative.GDALDatasetGetLayer(Handle, index));
    }

    /// <summary>The layer with a name.</summary>
    /// <exception cref="KeyNotFoundException">No such layer; the message lists those there are.</exception>
    public VectorLayer Layer(string name)
    {
        var h = GdalNative.GDALDatasetGetLayerByName(Handle, name);
        GdalLibrary.ResetError();
        if (h == 0)
            throw new KeyNotFoundException(
                $"'{Path}' has no layer '{name}'; its layers are: {string.Join(", ", Layers.Select(l => l.Name))}.");
        return Wrap(h);
    }

    /// <summary>True when a layer of that name exists.</summary>
    public bool HasLayer(string name)
    {
        var h = GdalNative.GDALDatasetGetLayerByName(Handle, name);
        GdalLibrary.ResetError();
        return h != 0;
    }

    /// <summary>
    /// Creates a layer with its fields. <paramref name="options"/> are OGR layer creation options,
    /// e.g. "ENCODING=GBK" for a Shapefile, "SPATIAL_INDEX=NO" for a GeoPackage.
    /// A Shapefile layer created without an ENCODING option is written as UTF-8 with a .cpg saying so
    /// (GDAL's own default, ISO-8859-1, would turn Chinese text into "?").
    /// </summary>
    public VectorLayer CreateLayer(string name, GeometryKind geometry, SpatialReference? crs,
        IReadOnlyList<FieldDefinition> fields, IEnumerable<string>? options = null)
    {
        var optionList = options?.ToList() ?? [];
        if (DriverName == "ESRI Shapefile" && !optionList.Any(o => o.StartsWith("ENCODING=", StringComparison.OrdinalIgnoreCase)))
            optionList.Add("ENCODING=UTF-8");
        using var list = new NativeStringList(optionList);
        using var srs = crs?.CreateHandle();
        GdalLibrary.ResetError();
        var h = GdalLibrary.CheckHandle(
            GdalNative.GDALDatasetCreateLayer(Handle, name, srs?.DangerousGetHandle() ?? 0, (int)geometry, list.Pointer),
            $"create layer '{name}' in", Path);
        var layer = Wrap(h);
        foreach (var f in fields) layer.CreateField(f);
        return layer;
    }

    /// <summary>
    /// Starts a transaction: GeoPackage and FileGDB commit many features at once far faster than one by
    /// one. For drivers without transactions (Shapefile, GeoJSON) the returned scope does nothing.
    /// </summary>
    public VectorTransaction BeginTransaction()
    {
        // GeoPackage (and SQLite) create a new layer's table lazily, at its first feature: inside the
        // transaction, so a rollback dropped the table and closing then failed ("no such table").
        // Any ExecuteSQL runs the pending creations first (the workaround GDAL's maintainer gives in
        // airbusgeo/godal#132; OSGeo/gdal#10509 later fixed it for the SQLite driver only).
        if (DriverName is "GPKG" or "SQLite")
        {
            GdalLibrary.ResetError();
            var result = GdalNative.GDALDatasetExecuteSQL(Handle, "SELECT 1", 0, null);
            if (result != 0) GdalNative.GDALDatasetReleaseResultSet(Handle, result);
            GdalLibrary.CheckLastError("create pending layers before a transaction in", Path);
        }
        GdalLibrary.ResetError();
        var code = GdalNative.GDALDatasetStartTransaction(Handle, 1);
        GdalLibrary.ResetError();
        return new VectorTransaction(this, active: code == 0);
    }

    internal void Commit()
    {
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALDatasetCommitTransaction(Handle), "commit transaction in", Path);
    }

    internal void Rollback()
    {
        GdalLibrary.ResetError();
        GdalNative.GDALDatasetRollbackTransaction(Handle);
        GdalLibrary.ResetError();
    }

    /// <summary>Runs an SQL statement that returns no rows (e.g. CREATE INDEX) in the source's dialect.</summary>
    public void ExecuteSql(string sql)
    {
        GdalLibrary.ResetError();
        var result = GdalNative.GDALDatasetExecuteSQL(Handle, sql, 0, null);
        if (result != 0) GdalNative.GDALDatasetReleaseResultSet(Handle, result);
        GdalLibrary.CheckLastError($"execute SQL '{sql}' on", Path);
    }

    /// <summary>Closes the source; for a written source, a failure to flush throws.</summary>
    public void Dispose()
    {
        if (_handle.IsClosed) return;
        _layers.Clear();
        GdalLibrary.ResetError();
        _handle.Dispose();
        if (IsWritable) GdalLibrary.CheckLastError("close vector source", Path);
    }

    internal nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private VectorLayer Wrap(nint layer)
    {
        if (!_layers.TryGetValue(layer, out var wrapped)) _layers[layer] = wrapped = new VectorLayer(this, layer);
        return wrapped;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path} ({DriverName})";
}

/// <summary>A transaction scope on a <see cref="VectorDataset"/>: rolled back on dispose unless committed.</summary>
public sealed class VectorTransaction : IDisposable
{
    private readonly VectorDataset _dataset;
    private bool _active;

    internal VectorTransaction(VectorDataset dataset, bool active)
    {
        _dataset = dataset;
        _active = active;
    }

    /// <summary>True when the driver really opened a transaction.</summary>
    public bool IsNative => _active;

    /// <summary>Commits everything written since the transaction began.</summary>
    public void Commit()
    {
        if (!_active) return;
        _active = false;
        _dataset.Commit();
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose()
    {
        if (!_active) return;
        _active = false;
        _dataset.Rollback();
    }
}
