using System.Xml;
using System.Xml.Linq;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Raster;

/// <summary>
/// Follows the source files of a VRT, and of the VRTs among them, before GDAL opens it: a VRT that is (through
/// others) its own source fails only when its pixels are read, deep in a run, with a message about recursion or the
/// dataset pool that does not say which file is at fault.
/// </summary>
internal static class VrtSources
{
    /// <summary>Refuses a VRT that reaches itself through its sources, naming the chain of files.</summary>
    /// <param name="path">A raster file; anything but a readable .vrt on disk passes untouched (GDAL reports those).</param>
    /// <exception cref="PixelGridException">The VRT is its own source, directly or through other VRTs.</exception>
    public static void CheckNoCycle(string path)
    {
        if (!string.IsNullOrEmpty(path)) Visit(Path.GetFullPath(path), []);
    }

    private static void Visit(string vrt, List<string> chain)
    {
        if (!vrt.EndsWith(".vrt", StringComparison.OrdinalIgnoreCase) || !File.Exists(vrt)) return;
        var at = chain.FindIndex(p => string.Equals(p, vrt, StringComparison.Ordinal));
        if (at >= 0)
        {
            var loop = string.Join(" -> ", chain.Skip(at).Append(vrt).Select(p => $"'{p}'"));
            throw new PixelGridException($"'{chain[0]}' is a VRT that is its own source ({loop}); a VRT cannot read itself.");
        }
        XDocument doc;
        try
        {
            doc = XDocument.Load(vrt);
        }
        catch (XmlException)
        {
            return; // not XML: GDAL's own message says what is wrong with it
        }
        chain.Add(vrt);
        var folder = Path.GetDirectoryName(vrt)!;
        foreach (var source in doc.Descendants("SourceFilename"))
        {
            var name = source.Value.Trim();
            if (name.Length == 0 || name.StartsWith("/vsi", StringComparison.Ordinal)) continue;
            var relative = (string?)source.Attribute("relativeToVRT") == "1";
            Visit(Path.GetFullPath(relative ? Path.Combine(folder, name) : name), chain);
        }
        chain.RemoveAt(chain.Count - 1);
    }
}
