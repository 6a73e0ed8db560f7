using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Output;

/// <summary>
/// A vector dataset created under a temporary name beside its final path and renamed into place by <see cref="Commit"/>,
/// so a crash or an error never leaves a half-written file under the final name; disposing without committing deletes it.
/// </summary>
/// <remarks>
/// A Shapefile is a set of files (.shp .shx .dbf .prj .cpg): it is written into a temporary folder and its members then
/// replace those beside the final path one by one, each by an atomic rename. GeoPackage, GeoJSON and FileGDB (a folder)
/// are renamed as one.
/// </remarks>
public sealed class VectorOutput : IDisposable
{
    private readonly AtomicOutput _output;
    private bool _closed;

    private VectorOutput(AtomicOutput output, VectorDataset dataset, string driver)
    {
        _output = output;
        Dataset = dataset;
        Driver = driver;
    }

    /// <summary>The OGR driver: "GPKG", "ESRI Shapefile", "GeoJSON" or "OpenFileGDB".</summary>
    public string Driver { get; }

    /// <summary>The dataset being written (under the temporary name).</summary>
    public VectorDataset Dataset { get; }

    /// <summary>Where the output ends up.</summary>
    public string FinalPath => _output.FinalPath;

    /// <summary>Where it is written meanwhile.</summary>
    public string TempPath => _output.TempPath;

    /// <summary>True for a Shapefile, whose only layer takes the name of the final file (its stem).</summary>
    public bool IsShapefile => Driver == "ESRI Shapefile";

    /// <summary>The layer name to use: the file stem for a Shapefile (the driver names the files after the layer), else <paramref name="name"/>.</summary>
    public string LayerName(string name) => IsShapefile ? Path.GetFileNameWithoutExtension(FinalPath) : name;

    /// <summary>Creates the temporary dataset for <paramref name="path"/> with an OGR driver.</summary>
    /// <exception cref="DirectoryNotFoundException">The output folder does not exist.</exception>
    /// <exception cref="GdalException">OGR cannot create the dataset.</exception>
    public static VectorOutput Create(string path, string driver)
    {
        var output = AtomicOutput.Begin(path);
        try
        {
            if (driver == "ESRI Shapefile") Directory.CreateDirectory(output.TempPath);
            return new VectorOutput(output, VectorDataset.Create(output.TempPath, driver), driver);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>The OGR driver for a path's extension: .shp Shapefile, .geojson/.json GeoJSON, .gdb FileGDB, else GeoPackage.</summary>
    public static string DriverFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".shp" => "ESRI Shapefile",
        ".geojson" or ".json" => "GeoJSON",
        ".gdb" => "OpenFileGDB",
        _ => "GPKG",
    };

    /// <summary>Closes the dataset (flushing it) and renames it into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _closed = true;
        Dataset.Dispose();
        if (IsShapefile) MoveShapefile();
        else _output.Commit();
        _output.Dispose();
    }

    /// <summary>Abandons an uncommitted output: nothing is left at the final path.</summary>
    public void Dispose()
    {
        if (!_closed)
        {
            _closed = true;
            try { Dataset.Dispose(); } catch (GdalException) { }
        }
        _output.Dispose();
    }

    private void MoveShapefile()
    {
        var dir = Path.GetDirectoryName(FinalPath)!;
        foreach (var file in Directory.EnumerateFiles(TempPath))
            File.Move(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);
        Directory.Delete(TempPath, recursive: true);
    }
}
