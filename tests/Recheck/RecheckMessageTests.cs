using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Recheck;

/// <summary>recheck used to print its "no --reference" note before a refusal: the error must be the first and only line.</summary>
public class RecheckMessageTests
{
    [Fact]
    public async Task ARefusedInput_IsTheOnlyLine_WithoutReference()
    {
        using var dir = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = 64, Seed = 2, WriteShapefiles = false }, dir.Path);
        var missing = dir.File("nope.gpkg");
        var (code, output) = await CliProcess.RunAsync(["recheck", "--polygons", missing, "--image", dir.File("after.tif"), "--out", dir.File("r.gpkg")]);
        Assert.Equal(2, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(missing, line, StringComparison.Ordinal);
    }
}
