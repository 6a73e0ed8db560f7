using System.Text.Json;
using WeiPian.Engine;

namespace WeiPian.Synth;

/// <summary>Which folders a scene may be written into.</summary>
public static partial class SceneSynthesizer
{
    // Every name a run may write in its folder; the files of an earlier scene are replaced, a user's never.
    private static readonly string[] WrittenNames =
    [
        "before.tif", "after.tif", "truth.tif", "after_clouds.tif", "truth.gpkg", "survey.gpkg", "survey_shp", "scene.json",
        "newest.tif", "recheck_truth.tif", "recheck_truth.gpkg", "recheck.json", "nuisance.gpkg",
    ];

    /// <summary>
    /// Refuses a folder that holds a file or folder under a name the scene is written to, unless the folder holds an
    /// earlier synthesised scene (a scene.json by this generator): a user's before.tif in the folder named is never
    /// replaced by a synthetic one.
    /// </summary>
    private static void CheckFolder(string outDir)
    {
        if (File.Exists(outDir)) throw new InputException($"Cannot write the scene into '{outDir}': it is a file; name a folder.");
        if (!Directory.Exists(outDir) || IsSceneFolder(outDir)) return;
        var taken = WrittenNames.FirstOrDefault(n => Path.Exists(Path.Combine(outDir, n)));
        if (taken is not null)
            throw new InputException(
                $"Cannot write the scene into '{outDir}': it holds '{taken}', which a scene would replace, and no earlier synthesised scene (scene.json); name a new or empty folder.");
    }

    private static bool IsSceneFolder(string outDir)
    {
        var manifest = Path.Combine(outDir, "scene.json");
        if (!File.Exists(manifest)) return false;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("generator", out var generator)
                && generator.ValueKind == JsonValueKind.String && generator.GetString() == "weipian synth";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
