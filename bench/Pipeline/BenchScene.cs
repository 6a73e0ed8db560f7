using WeiPian.Synth;

namespace WeiPian.Bench.Pipeline;

/// <summary>The synthesised scene pairs the pipeline benchmarks run on, made once per size and kept in the temp folder.</summary>
internal static class BenchScene
{
    /// <summary>The synthesiser's seed: the same scene every time.</summary>
    public const int Seed = 7;

    /// <summary>Ground sample distance of the synthesised scenes, metres (the synthesiser's default, GF-2-like).</summary>
    public const double Gsd = 0.8;

    /// <summary>The folder holding the Size x Size pair (before.tif, after.tif, survey.gpkg), synthesised if not there yet.</summary>
    public static string Ensure(int size)
    {
        var dir = Path.Combine(Path.GetTempPath(), "weipian-bench", $"s{size}-seed{Seed}");
        if (!File.Exists(Path.Combine(dir, "scene.json")))
            SceneSynthesizer.Run(new SynthOptions { Size = size, Seed = Seed, Gsd = Gsd, WriteShapefiles = false }, dir);
        return dir;
    }
}
