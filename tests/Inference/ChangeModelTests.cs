using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Inference;

public class ChangeModelTests
{
    [Fact]
    public void LoadsThePairModelWithItsEmbeddedCard()
    {
        using var model = ChangeModel.Load(TestModels.PairLogits);
        Assert.Equal(Path.GetFullPath(TestModels.PairLogits), model.ModelPath);
        Assert.Equal("test-pair-logits", model.Card.Name);
        Assert.Equal(model.ModelPath, model.Card.Source);
        Assert.Equal(InferenceDevice.Cpu, model.Device);
        Assert.True(model.FixedBatch);
        Assert.Equal(1, model.BatchSize);
        Assert.Equal(64, model.TileSize);
        Assert.Equal(4, model.BandCount);
        Assert.Equal(4 * 64 * 64, model.TileLength);
        Assert.Equal(5, model.OutputChannels);
        Assert.Equal(5 * 64 * 64, model.OutputTileLength);
        Assert.Equal(0, model.OutputCount);
        Assert.True(model.Output.IsEmpty);
    }

    [Fact]
    public void PairModelOutputEqualsTheScalarReference()
    {
        using var model = ChangeModel.Load(TestModels.PairLogits);
        TestModels.Fill(model.BeforeTile(0), 0, 4, 64, date: 0);
        TestModels.Fill(model.AfterTile(0), 0, 4, 64, date: 1);
        var expected = TestModels.Conv3x3(TestModels.Concat(model.BeforeTile(0), model.AfterTile(0)), 8, 5, 64, TestModels.SaltPair);

        model.Run(1);

        Assert.Equal(1, model.OutputCount);
        TestModels.AssertClose(expected, model.OutputTile(0));
        TestModels.AssertClose(expected, model.Output);
    }

    [Fact]
    public void BatchesHoldTheirOwnBuffersAndAreMadeOncePerModel()
    {
        using var model = ChangeModel.Load(TestModels.PairLogits);
        using var other = ChangeModel.Load(TestModels.PairLogits);
        var first = model.Batch(1);
        var second = model.Batch(2);
        Assert.Same(model.DefaultBatch, model.Batch(0));
        Assert.Same(first, model.Batch(1));
        Assert.NotSame(first, second);

        TestModels.Fill(first.BeforeTile(0), 0, 4, 64, date: 0);
        TestModels.Fill(first.AfterTile(0), 0, 4, 64, date: 1);
        TestModels.Fill(second.BeforeTile(0), 3, 4, 64, date: 0);
        TestModels.Fill(second.AfterTile(0), 3, 4, 64, date: 1);
        var expected1 = TestModels.Conv3x3(TestModels.Concat(first.BeforeTile(0), first.AfterTile(0)), 8, 5, 64, TestModels.SaltPair);
        var expected2 = TestModels.Conv3x3(TestModels.Concat(second.BeforeTile(0), second.AfterTile(0)), 8, 5, 64, TestModels.SaltPair);

        model.Run(first, 1);
        model.Run(second, 1);

        // Each run wrote its own batch's output; the default batch saw none.
        TestModels.AssertClose(expected1, first.OutputTile(0));
        TestModels.AssertClose(expected2, second.OutputTile(0));
        Assert.Equal(0, model.OutputCount);
        Assert.Throws<ArgumentException>(() => other.Run(first, 1));
    }

    [Fact]
    public void StackedModelLoadsItsSidecarAndEqualsFeedingTheStackedTensorDirectly()
    {
        const int tiles = 3, t = 48;
        using var model = ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { BatchSize = tiles });
        Assert.Equal(ChangeModel.SidecarPath(model.ModelPath), model.Card.Source);
        Assert.Equal(OutputForm.ChangeLogit, model.Card.Output.Form);
        Assert.False(model.FixedBatch);
        Assert.Equal(tiles, model.BatchSize);
        Assert.Equal(1, model.OutputChannels);

        var stacked = new float[tiles * 8 * t * t];
        for (var n = 0; n < tiles; n++)
        {
            TestModels.Fill(model.BeforeTile(n), n, 4, t, date: 0);
            TestModels.Fill(model.AfterTile(n), n, 4, t, date: 1);
            TestModels.Fill(stacked.AsSpan(n * 8 * t * t, 4 * t * t), n, 4, t, date: 0);
            TestModels.Fill(stacked.AsSpan(n * 8 * t * t + 4 * t * t, 4 * t * t), n, 4, t, date: 1);
        }

        model.Run(tiles);

        var direct = RunDirectly(TestModels.StackedChange, "images", stacked, [tiles, 8, t, t], "change");
        TestModels.AssertClose(direct, model.Output, 0);
        for (var n = 0; n < tiles; n++)
            TestModels.AssertClose(TestModels.Conv3x3(stacked.AsSpan(n * 8 * t * t, 8 * t * t), 8, 1, t, TestModels.SaltStacked), model.OutputTile(n));

        // A short batch on a dynamic graph runs just those tiles, from the same buffers.
        model.Run(2);
        Assert.Equal(2, model.OutputCount);
        TestModels.AssertClose(direct.AsSpan(0, 2 * t * t), model.Output, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.OutputTile(2));

        // ... and the full batch again after the short one.
        model.Run(tiles);
        TestModels.AssertClose(direct, model.Output, 0);
    }

    [Fact]
    public void AfterBeforeStackOrderPutsTheAfterChannelsFirst()
    {
        const int t = 48;
        using var dir = new TempDir();
        var path = TestModels.CopyModel(TestModels.StackedChange, dir);
        var card = JsonNode.Parse(File.ReadAllText(ChangeModel.SidecarPath(TestModels.StackedChange)))!;
        card["input"]!["stackOrder"] = "after-before";
        File.WriteAllText(ChangeModel.SidecarPath(path), card.ToJsonString());

        using var model = ChangeModel.Load(path);
        Assert.Equal(StackOrder.AfterBefore, model.Card.Input.StackOrder);
        TestModels.Fill(model.BeforeTile(0), 0, 4, t, date: 0);
        TestModels.Fill(model.AfterTile(0), 0, 4, t, date: 1);
        var stacked = TestModels.Concat(model.AfterTile(0), model.BeforeTile(0));
        model.Run(1);

        TestModels.AssertClose(RunDirectly(path, "images", stacked, [1, 8, t, t], "change"), model.Output, 0);
    }

    [Fact]
    public void RgbModelBindsScenBandsAndPadsAShortFixedBatch()
    {
        const int t = 32;
        using var model = ChangeModel.Load(TestModels.StackedRgb);
        Assert.Equal(new[] { BandRole.Red, BandRole.Green, BandRole.Blue }, model.Card.Input.Bands);
        Assert.Equal([3, 2, 1], model.Card.BindBands(BandOrder.GaofenMultispectral, "gf2.tif"));
        Assert.True(model.FixedBatch);
        Assert.Equal(2, model.BatchSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Run(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.BeforeTile(2));

        TestModels.Fill(model.BeforeTile(0), 0, 3, t, date: 0);
        TestModels.Fill(model.AfterTile(0), 0, 3, t, date: 1);
        TestModels.Fill(model.BeforeTile(1), 7, 3, t, date: 0);
        TestModels.Fill(model.AfterTile(1), 7, 3, t, date: 1);
        var expected0 = TestModels.Conv3x3(TestModels.Concat(model.BeforeTile(0), model.AfterTile(0)), 6, 2, t, TestModels.SaltRgb);
        var expected1 = TestModels.Conv3x3(TestModels.Concat(model.BeforeTile(1), model.AfterTile(1)), 6, 2, t, TestModels.SaltRgb);

        model.Run(1); // padded to the graph's batch of 2
        Assert.Equal(1, model.OutputCount);
        Assert.Equal(2 * t * t, model.Output.Length);
        TestModels.AssertClose(expected0, model.OutputTile(0));

        model.Run(2);
        TestModels.AssertClose(expected0, model.OutputTile(0));
        TestModels.AssertClose(expected1, model.OutputTile(1));
    }

    [Fact]
    public void CardContradictingTheGraphIsRefused()
    {
        var ex = Assert.Throws<ModelContractException>(() => ChangeModel.Load(TestModels.ContradictsGraph));
        Assert.Contains(Path.GetFullPath(TestModels.ContradictsGraph), ex.Message);
        Assert.Contains("the card says 4 band(s) per date (B,G,R,NIR)", ex.Message);
        Assert.Contains("should have 4 channels", ex.Message);
        Assert.Contains("'before' float32 [1 x 3 x 64 x 64]", ex.Message);
    }

    [Fact]
    public void ModelWithoutACardIsRefusedWithAHowTo()
    {
        using var dir = new TempDir();
        var path = TestModels.CopyModel(TestModels.StackedChange, dir);
        var ex = Assert.Throws<ModelContractException>(() => ChangeModel.Load(path));
        Assert.Contains($"'{path}' has no model card", ex.Message);
        Assert.Contains(ChangeModel.SidecarPath(path), ex.Message);
        Assert.Contains("docs/MODEL_CARD.md", ex.Message);
        Assert.Contains("'images' float32 [batch x 8 x height x width]", ex.Message);
        Assert.Contains("'change' float32 [batch x 1 x height x width]", ex.Message);
    }

    [Fact]
    public void SidecarEqualToTheEmbeddedCardIsAccepted()
    {
        using var dir = new TempDir();
        var path = TestModels.CopyModel(TestModels.PairLogits, dir);
        File.WriteAllText(ChangeModel.SidecarPath(path), ChangeModel.ReadCard(TestModels.PairLogits).ToJson());
        using var model = ChangeModel.Load(path);
        Assert.Equal(path, model.Card.Source); // the embedded card is the one used
    }

    [Fact]
    public void SidecarDifferingFromTheEmbeddedCardIsAnError()
    {
        using var dir = new TempDir();
        var path = TestModels.CopyModel(TestModels.PairLogits, dir);
        var card = JsonNode.Parse(ChangeModel.ReadCard(path).ToJson())!;
        card["input"]!["halo"] = 4;
        File.WriteAllText(ChangeModel.SidecarPath(path), card.ToJsonString());
        var ex = Assert.Throws<ModelContractException>(() => ChangeModel.Load(path));
        Assert.Contains("embeds a model card", ex.Message);
        Assert.Contains("differ in: input", ex.Message);
        Assert.Contains(ChangeModel.SidecarPath(path), ex.Message);
    }

    [Fact]
    public void InvalidSidecarNamesTheSidecar()
    {
        using var dir = new TempDir();
        var path = TestModels.CopyModel(TestModels.StackedChange, dir);
        File.WriteAllText(ChangeModel.SidecarPath(path), "{ \"name\": \"x\" }");
        var ex = Assert.Throws<ModelContractException>(() => ChangeModel.Load(path));
        Assert.Contains($"Model card from '{ChangeModel.SidecarPath(path)}': version is missing", ex.Message);
    }

    public static TheoryData<string, string, string> GraphMismatches() => new()
    {
        { "input name", """ c["input"]["names"] = ["pixels"] """, "the card's input.names has 'pixels' but the graph has no such input; its inputs are 'images' float32 [batch x 8 x height x width]" },
        { "pair vs stacked", """ c["input"]["form"] = "pair"; c["input"]["names"] = ["images", "after"]; c["input"].Remove("stackOrder") """, "has 'after' but the graph has no such input; its inputs are 'images' float32 [batch x 8 x height x width]. The graph has a single input: if it takes both dates stacked, set input.form to \"stacked\"" },
        { "bands", """ c["input"]["bands"] = ["R","G","B"] """, "the card says 3 band(s) per date (R,G,B), stacked to 6 channels, so graph input 'images' should have 6 channels (dimension 1), but the graph has 'images' float32 [batch x 8 x height x width]" },
        { "fixed batch", """ c["input"]["batch"] = 4 """, "the card's input.batch is 4 (fixed) but graph input 'images' float32 [batch x 8 x height x width] has a dynamic batch dimension 'batch'; set input.batch to 0" },
        { "output name", """ c["output"]["name"] = "logits" """, "the card's output.name is 'logits' but the graph has no such output; its outputs are 'change' float32 [batch x 1 x height x width]" },
        { "output channels", """ c["output"] = {"name":"change","form":"logits"} """, "the card says 2 classes and output.form \"logits\", so graph output 'change' should have 2 channels" },
    };

    [Theory]
    [MemberData(nameof(GraphMismatches))]
    public void CardGraphMismatchesOnADynamicGraph(string why, string edit, string expected)
    {
        var card = JsonNode.Parse(File.ReadAllText(ChangeModel.SidecarPath(TestModels.StackedChange)))!;
        Apply(card, edit);
        var ex = Assert.Throws<ModelContractException>(() => CheckGraph(card, TestModels.StackedChange));
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{why}: message was: {ex.Message}");
        Assert.Contains(Path.GetFullPath(TestModels.StackedChange), ex.Message);
    }

    public static TheoryData<string, string, string> FixedGraphMismatches() => new()
    {
        { "tile", """ c["input"]["tile"] = 64 """, "the card's input.tile is 64 but graph input 'images' float32 [2 x 6 x 32 x 32] fixes height x width at 32 x 32" },
        { "batch", """ c["input"]["batch"] = 0 """, "the card's input.batch is 0 (dynamic) but graph input 'images' float32 [2 x 6 x 32 x 32] has a fixed batch of 2; set input.batch to 2" },
        { "change-logit", """ c["output"]["form"] = "change-logit" """, "output.form \"change-logit\" (one channel), so graph output 'logits' should have 1 channels (dimension 1), but the graph has 'logits' float32 [2 x 2 x 32 x 32]" },
    };

    [Theory]
    [MemberData(nameof(FixedGraphMismatches))]
    public void CardGraphMismatchesOnAFixedGraph(string why, string edit, string expected)
    {
        var card = JsonNode.Parse(ChangeModel.ReadCard(TestModels.StackedRgb).ToJson())!;
        Apply(card, edit);
        var ex = Assert.Throws<ModelContractException>(() => CheckGraph(card, TestModels.StackedRgb));
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{why}: message was: {ex.Message}");
    }

    [Fact]
    public void GraphInputsTheCardDoesNotNameAreRefused()
    {
        var card = JsonNode.Parse(ChangeModel.ReadCard(TestModels.PairLogits).ToJson())!;
        Apply(card, """ c["input"]["form"] = "stacked"; c["input"]["names"] = ["before"]; c["input"]["bands"] = ["B","G"]; c["input"]["scaling"] = {"min":[0],"max":[1]} """);
        var ex = Assert.Throws<ModelContractException>(() => CheckGraph(card, TestModels.PairLogits));
        Assert.Contains("the graph has input(s) the card does not name: 'after' float32 [1 x 4 x 64 x 64]", ex.Message);
        Assert.Contains("set input.form to \"pair\"", ex.Message);
    }

    [Fact]
    public void RunningAgainReusesTheSameBuffersWithoutAllocating()
    {
        using var model = ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { IntraOpThreads = 1 });
        TestModels.Fill(model.BeforeTile(0), 0, 4, 64, 0);
        TestModels.Fill(model.AfterTile(0), 0, 4, 64, 1);
        model.Run(1);
        ref readonly var output = ref MemoryMarshal.GetReference(model.Output);
        ref var before = ref MemoryMarshal.GetReference(model.BeforeTile(0));
        var first = model.Output.ToArray();

        model.Run(1);
        model.Run(1);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++) model.Run(1);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.True(Unsafe.AreSame(in output, in MemoryMarshal.GetReference(model.Output)));
        Assert.True(Unsafe.AreSame(ref before, ref MemoryMarshal.GetReference(model.BeforeTile(0))));
        TestModels.AssertClose(first, model.Output, 0);
        Assert.True(allocated == 0, $"20 runs allocated {allocated} managed bytes; expected none.");
    }

    [Fact]
    public void StackedBeforeAndAfterTilesAreViewsIntoOneTensor()
    {
        using var model = ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { BatchSize = 2 });
        ref var b0 = ref MemoryMarshal.GetReference(model.BeforeTile(0));
        Assert.True(Unsafe.AreSame(ref Unsafe.Add(ref b0, model.TileLength), ref MemoryMarshal.GetReference(model.AfterTile(0))));
        Assert.True(Unsafe.AreSame(ref Unsafe.Add(ref b0, 2 * model.TileLength), ref MemoryMarshal.GetReference(model.BeforeTile(1))));
    }

    [Fact]
    public void ReadCardReadsWithoutPreparingToRun()
    {
        Assert.Equal("test-stacked-rgb", ChangeModel.ReadCard(TestModels.StackedRgb).Name);
        Assert.Equal("test-stacked-change", ChangeModel.ReadCard(TestModels.StackedChange).Name);
        // ReadCard does not check the graph: the contradicting card itself is well-formed.
        Assert.Equal("test-contradicts-graph", ChangeModel.ReadCard(TestModels.ContradictsGraph).Name);
    }

    [Fact]
    public void CudaOnACpuBuildSaysHowToGetIt()
    {
        if (ChangeModel.SupportsCuda) return; // a -p:Gpu=true build: the device check covers CUDA
        var ex = Assert.Throws<InputException>(() => ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { Device = InferenceDevice.Cuda }));
        Assert.Contains("-p:Gpu=true", ex.Message);
        Assert.Contains("CUDA 13", ex.Message);
        Assert.Contains("cuDNN 9", ex.Message);
    }

    [Fact]
    public void OptionsAreChecked()
    {
        Assert.Throws<InputException>(() => ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { IntraOpThreads = -1 }));
        Assert.Equal(InferenceDevice.Cuda, InferenceOptions.ParseDevice("GPU"));
        Assert.Equal(InferenceDevice.Cpu, InferenceOptions.ParseDevice("cpu"));
        Assert.Contains("--device 'tpu'", Assert.Throws<InputException>(() => InferenceOptions.ParseDevice("tpu", "--device")).Message);
        var ex = Assert.Throws<InputException>(() => ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { BatchSize = 4 }));
        Assert.Contains("fixed batch of 1", ex.Message);
    }

    [Fact]
    public void LanesAndThreadsShareTheCores()
    {
        var cpu = new InferenceOptions();
        Assert.Equal((2, 1), Resolved(cpu.ForCores(2)));
        Assert.Equal((4, 1), Resolved(cpu.ForCores(4)));
        Assert.Equal((8, 1), Resolved(cpu.ForCores(8)));
        Assert.Equal((12, 1), Resolved(cpu.ForCores(16)));  // a quarter of the cores left to the other stages
        Assert.Equal((4, 4), Resolved((cpu with { IntraOpThreads = 4 }).ForCores(16)));
        Assert.Equal((1, 1), Resolved(cpu.ForCores(1)));
        Assert.Equal((1, 2), Resolved((cpu with { IntraOpThreads = 2 }).ForCores(2)));  // the set threads leave room for one lane
        Assert.Equal((2, 1), Resolved((cpu with { IntraOpThreads = 1 }).ForCores(2)));
        Assert.Equal((1, 16), Resolved((cpu with { Lanes = 1 }).ForCores(16)));
        Assert.Equal((3, 5), Resolved((cpu with { Lanes = 3 }).ForCores(16)));
        Assert.Equal(1, (cpu with { Device = InferenceDevice.Cuda }).ForCores(16).Lanes);

        using var model = ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { Lanes = 3 });
        Assert.Equal(3, model.Lanes);
        Assert.Throws<InputException>(() => ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { Lanes = -1 }));

        static (int Lanes, int Threads) Resolved(InferenceOptions o) => (o.Lanes, o.IntraOpThreads);
    }

    [Fact]
    public void DefaultBatchOnCpuIsOne()
    {
        using var model = ChangeModel.Load(TestModels.StackedChange);
        Assert.Equal(1, model.BatchSize);
    }

    [Fact]
    public void OptionsReachTheSession()
    {
        using var dir = new TempDir();
        var options = new InferenceOptions
        {
            IntraOpThreads = 2, InterOpThreads = 2, AllowSpinning = true, Optimization = GraphOptimization.Extended,
            OptimizedModelCachePath = dir.File("optimized.onnx"),
        };
        using var model = ChangeModel.Load(TestModels.PairLogits, options);
        Assert.True(File.Exists(dir.File("optimized.onnx")));
        TestModels.Fill(model.BeforeTile(0), 0, 4, 64, 0);
        TestModels.Fill(model.AfterTile(0), 0, 4, 64, 1);
        model.Run(1);
        TestModels.AssertClose(TestModels.Conv3x3(TestModels.Concat(model.BeforeTile(0), model.AfterTile(0)), 8, 5, 64, TestModels.SaltPair), model.Output);
    }

    [Fact]
    public void TheOptimizedModelCacheIsReadBackOnlyWhileItsKeyHolds()
    {
        using var dir = new TempDir();
        var cache = Path.Combine(dir.File("cache"), "pair.optimized.onnx");
        var options = new InferenceOptions { OptimizedModelCachePath = cache };
        var expected = PairOutput(TestModels.PairLogits, options, out var name);
        Assert.Equal("test-pair-logits", name);
        Assert.True(File.Exists(cache) && File.Exists(cache + ".key"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(cache)!, "*.tmp*"));

        // A graph put in the cache's place (its key kept) is what the next load runs: the cache is read, not remade.
        File.WriteAllBytes(cache, WithBias(TestModels.PairLogits, 100f));
        var cached = PairOutput(TestModels.PairLogits, options, out name);
        Assert.Equal("test-pair-logits", name); // the card travels in the graph's metadata
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i] - TestModels.Bias(i / (64 * 64), TestModels.SaltPair) + 100, cached[i], 1e-3);

        // Other options (here another optimisation level) do not trust it: optimised again and replaced.
        var extended = options with { Optimization = GraphOptimization.Extended };
        Assert.Equal(expected, PairOutput(TestModels.PairLogits, extended, out _));
        Assert.Contains("optimization Extended", File.ReadAllText(cache + ".key"));

        // A broken file under a current key is replaced, not an error.
        File.WriteAllText(cache, "not a graph");
        Assert.Equal(expected, PairOutput(TestModels.PairLogits, extended, out _));
        Assert.Equal(expected, PairOutput(TestModels.PairLogits, extended, out _));
        Assert.True(new FileInfo(cache).Length > 100);
    }

    private static float[] PairOutput(string path, InferenceOptions options, out string cardName)
    {
        using var model = ChangeModel.Load(path, options);
        TestModels.Fill(model.BeforeTile(0), 0, 4, 64, 0);
        TestModels.Fill(model.AfterTile(0), 0, 4, 64, 1);
        model.Run(1);
        cardName = model.Card.Name;
        return model.Output.ToArray();
    }

    // The model with its five biases set to a value (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.name = 8, raw_data = 9).
    private static byte[] WithBias(string path, float value)
    {
        var model = ProtoMessage.Parse(File.ReadAllBytes(path));
        var bias = model.Message(7)!.Messages(5).Single(t => t.String(8) == "conv.bias");
        bias.SetBytes(9, MemoryMarshal.AsBytes(Enumerable.Repeat(value, 5).ToArray().AsSpan()).ToArray());
        return model.ToArray();
    }

    [Fact]
    public void MissingOrBrokenFilesGiveClearErrors()
    {
        using var dir = new TempDir();
        var missing = dir.File("nope.onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => ChangeModel.Load(missing));
        Assert.Contains(missing, ex.Message);

        var broken = dir.File("broken.onnx");
        File.WriteAllText(broken, "this is not a protobuf");
        var ie = Assert.Throws<InferenceException>(() => ChangeModel.Load(broken));
        Assert.Contains($"ONNX Runtime cannot load '{broken}'", ie.Message);
    }

    [Fact]
    public void DisposedModelRefusesWork()
    {
        var model = ChangeModel.Load(TestModels.PairLogits);
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Run(1));
        Assert.Throws<ObjectDisposedException>(() => model.BeforeTile(0));
    }

    // Runs a model through ONNX Runtime directly, with the tensor assembled by the test.
    private static float[] RunDirectly(string path, string inputName, float[] input, long[] shape, string outputName)
    {
        using var session = new InferenceSession(path);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [value], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void CheckGraph(JsonNode card, string model)
    {
        var path = Path.GetFullPath(model);
        using var session = new InferenceSession(path);
        ChangeModel.CheckGraph(ModelCard.Parse(card.ToJsonString(), path), session, path);
    }

    // A tiny edit language for the theories: statements `c[...][...] = json` or `c[...].Remove("key")`, separated by ';'.
    private static void Apply(JsonNode card, string edits)
    {
        foreach (var raw in edits.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var remove = raw.EndsWith(')') && raw.Contains(".Remove(\"", StringComparison.Ordinal);
            var target = remove ? raw[..raw.IndexOf(".Remove(", StringComparison.Ordinal)] : raw[..raw.IndexOf('=')].Trim();
            var keys = target[1..].Split('[', StringSplitOptions.RemoveEmptyEntries).Select(k => k.TrimEnd(']').Trim('"')).ToList();
            var node = card;
            if (remove)
            {
                foreach (var k in keys) node = node[k]!;
                node.AsObject().Remove(raw[(raw.IndexOf("(\"", StringComparison.Ordinal) + 2)..^2]);
                continue;
            }
            foreach (var k in keys.Take(keys.Count - 1)) node = node[k]!;
            node[keys[^1]] = JsonNode.Parse(raw[(raw.IndexOf('=') + 1)..].Trim());
        }
    }
}
