namespace WeiPian.Models;

/// <summary>
/// The models shipped with the engine, found by name in the <c>models/</c> folder beside this assembly:
/// <c>spectral-v1</c> (index rules, no training), <c>fusion-unet-v1</c> (B,G,R,NIR), <c>fusion-unet-v2</c> (B,G,R,NIR,
/// trained on the harder synthesiser's nuisances), <c>rgb-unet-v1</c> (B,G,R only) and <c>screen-v1</c> (a tiny screen
/// for the screening cascade in front of fusion-unet-v1, not a detection model).
/// </summary>
public static class BundledModels
{
    /// <summary>Where the bundled .onnx files are.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>Names of the bundled models.</summary>
    public static IReadOnlyList<string> Names =>
        Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, "*.onnx").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The .onnx path of a bundled model name, or the argument itself when it names a file (anything ending in .onnx
    /// or containing a path separator). A variant written <c>NAME:VARIANT</c> is the bundled file <c>NAME-VARIANT.onnx</c>:
    /// <c>fusion-unet-v1:int8</c> is <c>fusion-unet-v1-int8.onnx</c>, the int8 quantisation of fusion-unet-v1, a model
    /// of its own (its graph and card) that every command takes like the float32 one.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither a bundled model nor a file; the message lists the bundled names.</exception>
    public static string Resolve(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        if (nameOrPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || nameOrPath.Contains(Path.DirectorySeparatorChar))
            return File.Exists(nameOrPath) ? nameOrPath : throw new FileNotFoundException($"Model file '{nameOrPath}' does not exist.", nameOrPath);
        var bundled = Path.Combine(Folder, nameOrPath.Replace(':', '-') + ".onnx");
        if (File.Exists(bundled)) return bundled;
        throw new FileNotFoundException(
            $"'{nameOrPath}' is neither a bundled model ({string.Join(", ", Names.DefaultIfEmpty("none found in " + Folder))}) nor an .onnx file.", nameOrPath);
    }
}
