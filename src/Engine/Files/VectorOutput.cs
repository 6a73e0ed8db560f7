using Microsoft.Extensions.Logging;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Files;

/// <summary>
/// A vector dataset created under a temporary name beside its final path and renamed into place by <see cref="Commit"/>,
/// so a crash or an error never leaves a half-written file under the final name; disposing without committing deletes it.
/// </summary>
/// <remarks>
/// A Shapefile is a set of files (.shp .shx .dbf .prj .cpg): it is written into a temporary folder and swapped in as a
/// set, and a FileGDB is a folder (see <see cref="AtomicOutput"/> for how both stay whole when a run is killed).
/// GeoPackage and GeoJSON are renamed as one file.
/// </remarks>
public sealed class VectorOutput : IDisposable
{
    /// <summary>The file name extensions an output format is chosen by, and their OGR drivers.</summary>
    public static IReadOnlyDictionary<string, string> Drivers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".gpkg"] = "GPKG", [".shp"] = "ESRI Shapefile", [".geojson"] = "GeoJSON", [".json"] = "GeoJSON", [".gdb"] = "OpenFileGDB",
    };

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

    /// <summary>Called before every step of the commit on disk (see <see cref="AtomicOutput"/>); for fault-injection tests.</summary>
    internal Action<string>? Step
    {
        set => _output.Step = value;
    }

    /// <summary>The layer name to use: the file stem for a Shapefile (the driver names the files after the layer), else <paramref name="name"/>.</summary>
    public string LayerName(string name) => IsShapefile ? Path.GetFileNameWithoutExtension(FinalPath) : name;

    /// <summary>Creates the temporary dataset for <paramref name="path"/> with an OGR driver.</summary>
    /// <exception cref="InputException">The output folder does not exist or cannot be written, or a folder that is not
    /// an output of this format has the name.</exception>
    /// <exception cref="GdalException">OGR cannot create the dataset.</exception>
    public static VectorOutput Create(string path, string driver) => Create(path, driver, Environment.ProcessId);

    /// <summary>As <see cref="Create(string, string)"/>, naming the temporary output after process <paramref name="owner"/>
    /// and telling <paramref name="logger"/>, when given, what it removed of killed runs (see <see cref="OutputNotices"/>).</summary>
    internal static VectorOutput Create(string path, string driver, int owner, ILogger? logger = null)
    {
        var output = AtomicOutput.Begin(path, LayoutOf(driver), owner, removeLeftovers: true, logger);
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

    /// <summary>How a driver's output lies on disk.</summary>
    public static OutputLayout LayoutOf(string driver) => driver switch
    {
        "ESRI Shapefile" => OutputLayout.Shapefile,
        "OpenFileGDB" => OutputLayout.FileGdb,
        _ => OutputLayout.File,
    };

    /// <summary>The OGR driver for a path's extension: .gpkg GeoPackage, .shp Shapefile, .geojson/.json GeoJSON, .gdb FileGDB.</summary>
    /// <exception cref="InputException">Any other extension: the format is not guessed.</exception>
    public static string DriverFor(string path) =>
        Drivers.TryGetValue(Path.GetExtension(path), out var driver)
            ? driver
            : throw new InputException(
                $"Cannot write '{path}': its extension says no vector format; use {string.Join(", ", Drivers.Keys)}.");

    /// <summary>Closes the dataset (flushing it) and renames it into place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _closed = true;
        Dataset.Dispose();
        _output.Commit();
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
}
