using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using WeiPian.Synth;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// fusion-unet-v1:int8 (src/Models/recipes/int8/quantise.py, static QDQ calibrated on seeds 2960-2963) through the real
/// ONNX Runtime: the name resolves to its own bundled file and card, ONNX Runtime fuses it onto int8 kernels, and its
/// classes are the float32 model's on a held-out seed but for pixels near a class boundary.
/// </summary>
public class FusionUnetInt8Tests(ITestOutputHelper output)
{
    // onnx.proto field numbers: ModelProto.graph, GraphProto.node, NodeProto.op_type.
    private const int ModelGraph = 7, GraphNode = 1, NodeOpType = 4;

    private static string Float32 => BundledModels.Resolve("fusion-unet-v1");

    private static string Int8 => BundledModels.Resolve("fusion-unet-v1:int8");

    [Fact]
    public void TheVariantNameResolvesToTheBundledInt8FileWithTheFloat32ModelsContract()
    {
        Assert.Equal(Path.Combine(BundledModels.Folder, "fusion-unet-v1-int8.onnx"), Int8);
        Assert.Equal(Int8, BundledModels.Resolve("fusion-unet-v1-int8"));
        var ex = Assert.Throws<FileNotFoundException>(() => BundledModels.Resolve("fusion-unet-v1:int4"));
        Assert.Contains("fusion-unet-v1-int8", ex.Message);

        var int8 = ChangeModel.ReadCard(Int8);
        var fp32 = ChangeModel.ReadCard(Float32);
        Assert.Equal((fp32.Name, fp32.Version + "-int8"), (int8.Name, int8.Version));
        Assert.StartsWith("int8 variant of fusion-unet-v1", int8.Description, StringComparison.Ordinal);
        Assert.Equal(fp32.Input.Bands, int8.Input.Bands);
        Assert.Equal((fp32.Input.Tile, fp32.Input.Halo, fp32.Input.Gsd), (int8.Input.Tile, int8.Input.Halo, int8.Input.Gsd));
        Assert.Equal(fp32.Input.Scaling.Mean, int8.Input.Scaling.Mean);
        Assert.Equal(fp32.Classes.Select(c => (c.Id, c.Name, c.Tblx)), int8.Classes.Select(c => (c.Id, c.Name, c.Tblx)));
    }

    [Fact]
    public void OnnxRuntimeRunsEveryConvolutionButTheHeadOnInt8Kernels()
    {
        // The graph ONNX Runtime optimised (the engine's default level), as it would cache it: a Conv left in float
        // means a QDQ group it could not fuse (a missing output Q, a float bias, a Relu not made redundant), which
        // would dequantise and run in float32, slower than the float32 model itself.
        using var dir = new TempDir();
        var cache = dir.File("optimised.onnx");
        using (ChangeModel.Load(Int8, new InferenceOptions { OptimizedModelCachePath = cache, IntraOpThreads = 1 })) { }
        var ops = ProtoMessage.Parse(File.ReadAllBytes(cache)).Message(ModelGraph)!.Messages(GraphNode)
            .Select(n => n.String(NodeOpType)).ToList();
        output.WriteLine(string.Join(", ", ops.GroupBy(o => o).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Equal(16, ops.Count(o => o == "QLinearConv"));
        Assert.Equal(4, ops.Count(o => o == "QLinearAdd"));
        Assert.Equal(1, ops.Count(o => o is "Conv" or "FusedConv"));
    }

    [Fact]
    public void ClassesAgreeWithFloat32OnAHeldOutSeed()
    {
        using var dir = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = 512, Seed = 1013, WriteShapefiles = false }, dir.Path);
        var pair = new ScenePair(dir.File("before.tif"), dir.File("after.tif"));
        var fp32 = FusionUnetTests.ClassRaster(pair, new InferenceOptions(), dir.File("fp32.tif"));
        var int8 = FusionUnetTests.ClassRaster(pair, new InferenceOptions(), dir.File("int8.tif"), Int8);
        var changed = fp32.Count(c => c != 0);
        Assert.True(changed > 2000, $"only {changed} change pixels in float32");
        var differ = fp32.Zip(int8).Count(p => p.First != p.Second);
        output.WriteLine($"int8: {differ} of {fp32.Length} pixels differ from float32 ({changed} change pixels there)");
        Assert.True(differ <= 0.01 * fp32.Length,
            $"{differ} of {fp32.Length} pixels ({100.0 * differ / fp32.Length:0.000} %) differ between int8 and float32");
    }
}
