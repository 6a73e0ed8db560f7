namespace WeiPian.Engine.Files;

/// <summary>
/// Keeps a run's outputs off its inputs: an output may not be an input or lie inside an input folder (a folder of
/// Shapefiles, a FileGDB), and two outputs of one run may not be the same. Paths are compared as the
/// files they name: full paths with every symbolic link resolved, so <c>./x</c>, <c>dir/../x</c> and a link to
/// <c>x</c> are all <c>x</c>.
/// </summary>
/// <remarks>
/// Hard links need no check: every output replaces its final name by a rename, which leaves another name of the same
/// file as it was.
/// </remarks>
public static class OutputPaths
{
    /// <summary>Refuses <paramref name="output"/> when it would replace, or write into, one of <paramref name="inputs"/>.</summary>
    /// <param name="output">The output path (for a Shapefile, its .shp: the other members are compared too).</param>
    /// <param name="inputs">The run's inputs; nulls are skipped.</param>
    /// <exception cref="InputException">The output is an input or lies inside an input folder.</exception>
    public static void EnsureApart(string output, params IEnumerable<string?> inputs)
    {
        var outputs = Names(output).Select(RealPath).ToList();
        foreach (var input in inputs.OfType<string>().Where(i => i.Length > 0))
        {
            var real = RealPath(input);
            if (outputs.Any(o => Same(o, real)))
                throw new InputException($"Cannot write '{output}': it is the input '{input}'; an output never replaces an input.");
            if (Directory.Exists(real) && outputs.Any(o => Inside(real, o)))
                throw new InputException($"Cannot write '{output}': it lies inside the input folder '{input}'; an output never changes an input.");
        }
    }

    /// <summary>Refuses two outputs of one run that name the same file.</summary>
    /// <exception cref="InputException">They are the same.</exception>
    public static void EnsureDistinct(string first, string second)
    {
        var a = Names(first).Select(RealPath).ToList();
        if (Names(second).Select(RealPath).Any(b => a.Any(x => Same(x, b))))
            throw new InputException($"Cannot write both '{first}' and '{second}': they are the same file.");
    }

    /// <summary>
    /// The full path with every symbolic link resolved, component by component (as realpath(3), except that the part
    /// of the path that does not exist yet is kept as written).
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        for (var hops = 0; hops < 40; hops++)
        {
            var next = ResolveOnce(full);
            if (next is null) return full;
            full = next;
        }
        throw new InputException($"'{path}': too many levels of symbolic links.");
    }

    // The path with its first linked component replaced by the link's target; null when no component is a link.
    private static string? ResolveOnce(string full)
    {
        var root = Path.GetPathRoot(full)!;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            if (new FileInfo(next).LinkTarget is { } target)
                return Path.GetFullPath(Path.Combine([Path.GetFullPath(target, current), .. parts[(i + 1)..]]));
            if (!Directory.Exists(next)) return null;
            current = next;
        }
        return null;
    }

    // A Shapefile is its members: an output .shp replaces the .dbf beside it too.
    private static IEnumerable<string> Names(string path)
    {
        yield return path;
        if (!path.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)) yield break;
        var stem = path[..^4];
        foreach (var m in AtomicOutput.ShapefileMembers.Where(m => m != ".shp")) yield return stem + m;
    }

    internal static bool Same(string a, string b) => string.Equals(a.TrimEnd(Path.DirectorySeparatorChar), b.TrimEnd(Path.DirectorySeparatorChar), Comparison);

    internal static bool Inside(string folder, string path) =>
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, Comparison);

    private static StringComparison Comparison =>
        OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
}
