namespace WeiPian.Engine.Gdal;

/// <summary>
/// A GDAL call failed. <see cref="Exception.Message"/> names the file (when there is one) and
/// carries GDAL's own message, so the user sees both what was being read or written and why it failed.
/// </summary>
public sealed class GdalException : InputException
{
    /// <summary>Creates the exception for a failed operation on <paramref name="path"/>.</summary>
    public GdalException(string operation, string? path, string? gdalMessage)
        : base(Compose(operation, path, gdalMessage))
    {
        Operation = operation;
        Path = path;
        GdalMessage = gdalMessage;
    }

    /// <summary>What the engine was doing, e.g. "open raster".</summary>
    public string Operation { get; }

    /// <summary>The file or data source involved, when there is one.</summary>
    public string? Path { get; }

    /// <summary>GDAL's last error message (CPLGetLastErrorMsg) at the time of failure.</summary>
    public string? GdalMessage { get; }

    private static string Compose(string operation, string? path, string? gdalMessage)
    {
        var where = string.IsNullOrEmpty(path) ? "" : $" '{path}'";
        var why = string.IsNullOrWhiteSpace(gdalMessage) ? "GDAL reported no message" : gdalMessage.Trim();
        return $"{operation}{where} failed: {why}";
    }
}
