using Microsoft.ML.OnnxRuntime;
using WeiPian.Engine.Inference;
using WeiPian.Models;

namespace WeiPian.Engine.Tests.Inference;

public class Fp16GraphTests
{
    // onnx.proto field numbers the assertions read.
    private const int ModelGraph = 7, GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int AttrName = 1, AttrInt = 3, AttrTensor = 5, AttrGraph = 6, TensorDataType = 2;
    private const int Float = 1, Float16 = 10;

    [Fact]
    public void UntouchedMessagesAreWrittenBackByteForByte()
    {
        foreach (var path in new[] { TestModels.PairLogits, BundledModels.Resolve("fusion-unet-v1"), BundledModels.Resolve("spectral-v1") })
        {
            var bytes = File.ReadAllBytes(path);
            var model = ProtoMessage.Parse(bytes);
            // Parse the nested messages too, so their writing is what is compared.
            foreach (var node in model.Message(ModelGraph)!.Messages(GraphNode))
                foreach (var attr in node.Messages(NodeAttribute)) _ = attr.Message(AttrTensor);
            Assert.Equal(bytes, model.ToArray());
        }
    }

    [Fact]
    public void PairModelInFloat16EqualsTheScalarReference()
    {
        // Weights are multiples of 1/8, inputs of 1/16 and every sum stays below 2^11 / 128: exact in float16 too, so
        // any weight converted wrongly or a missing cast at the edges shows as a difference.
        using var model = ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { Fp16 = true });
        TestModels.Fill(model.BeforeTile(0), 0, 4, 64, date: 0);
        TestModels.Fill(model.AfterTile(0), 0, 4, 64, date: 1);
        var expected = TestModels.Conv3x3(TestModels.Concat(model.BeforeTile(0), model.AfterTile(0)), 8, 5, 64, TestModels.SaltPair);

        model.Run(1);

        TestModels.AssertClose(expected, model.OutputTile(0));
        Assert.Equal("test-pair-logits", model.Card.Name);
    }

    [Fact]
    public void UnetWeightsBecomeFloat16ButResizeScalesAndTheEdgesStayFloat32()
    {
        var path = BundledModels.Resolve("fusion-unet-v1");
        var graph = ProtoMessage.Parse(Fp16Graph.Convert(File.ReadAllBytes(path), path)).Message(ModelGraph)!;
        var nodes = graph.Messages(GraphNode).ToList();

        Assert.Equal(17 * 2, graph.Messages(GraphInitializer).Count()); // each convolution's weights and bias
        Assert.All(graph.Messages(GraphInitializer), t => Assert.Equal(Float16, t.Varint(TensorDataType)));
        var resizes = nodes.Where(n => n.String(NodeOpType) == "Resize").ToList();
        Assert.Equal(4, resizes.Count);
        foreach (var resize in resizes)
        {
            var scales = resize.Strings(NodeInput).ElementAt(2);
            var constant = nodes.Single(n => n.Strings(NodeOutput).Contains(scales));
            Assert.Equal("Constant", constant.String(NodeOpType));
            Assert.Equal(Float, constant.Message(NodeAttribute)!.Message(AttrTensor)!.Varint(TensorDataType));
        }
        // The graph's inputs and outputs keep their names and float32; casts join them to the float16 inside.
        Assert.Equal(["before", "after"], graph.Messages(GraphInput).Select(i => i.String(1)));
        Assert.Equal(["logits"], graph.Messages(GraphOutput).Select(o => o.String(1)));
        var casts = nodes.Where(n => n.String(NodeOpType) == "Cast").ToList();
        Assert.Equal(3, casts.Count);
        Assert.Equal(["before", "after"], casts.Take(2).Select(c => c.Strings(NodeInput).Single()));
        Assert.All(casts.Take(2), c => Assert.Equal(Float16, c.Message(NodeAttribute)!.Varint(AttrInt)));
        Assert.Equal("logits", nodes[^1].Strings(NodeOutput).Single());
        Assert.Equal(Float, nodes[^1].Message(NodeAttribute)!.Varint(AttrInt));
        Assert.DoesNotContain(nodes.Take(nodes.Count - 1), n => n.Strings(NodeInput).Contains("before") && n.String(NodeOpType) != "Cast");
    }

    [Fact]
    public void ComputedScalesCastScalesAndInitializerInputsAreRewrittenSoTheGraphStillRuns()
    {
        // Model (f) of make_test_models.py: every value is a multiple of 1/16, exact in float16, so the outputs are equal.
        var path = Path.Combine(TestModels.Folder, "fp16-paths.onnx");
        var converted = Fp16Graph.Convert(File.ReadAllBytes(path), path);
        var x = new float[2 * 4 * 4];
        for (var i = 0; i < x.Length; i++) x[i] = (i * 7 % 33 - 16) / 16f;
        var expected = Run(File.ReadAllBytes(path), x);
        Assert.Equal(2 * 8 * 8, expected.Length);
        Assert.Equal(expected, Run(converted, x));

        var graph = ProtoMessage.Parse(converted).Message(ModelGraph)!;
        var nodes = graph.Messages(GraphNode).ToList();
        Assert.Equal(Float16, graph.Message(GraphInitializer)!.Varint(TensorDataType));
        var biasInput = graph.Messages(GraphInput).Single(i => i.String(1) == "bias");
        Assert.Equal(Float16, biasInput.Message(2)!.Message(1)!.Varint(1)); // ValueInfo.type.tensor_type.elem_type
        var constantOfShape = nodes.Single(n => n.String(NodeOpType) == "ConstantOfShape");
        Assert.Equal(Float16, constantOfShape.Message(NodeAttribute)!.Message(AttrTensor)!.Varint(TensorDataType));
        // The computed scales reach Resize through a cast back to float32; the Cast(to=float) made for Resize stays float.
        var resize = nodes.First(n => n.String(NodeOpType) == "Resize");
        var scales = resize.Strings(NodeInput).ElementAt(2);
        var castBack = nodes.Single(n => n.Strings(NodeOutput).Contains(scales));
        Assert.Equal(("Cast", Float), (castBack.String(NodeOpType), castBack.Message(NodeAttribute)!.Varint(AttrInt)));
        Assert.True(nodes.IndexOf(castBack) < nodes.IndexOf(resize));
        var intCast = nodes.Single(n => n.String(NodeOpType) == "Cast" && n.Strings(NodeInput).Single() == "int_scales");
        Assert.Equal(Float, intCast.Message(NodeAttribute)!.Varint(AttrInt));
        Assert.False(graph.Has(13)); // value_info dropped
    }

    private static float[] Run(byte[] model, float[] x)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [1, 2, 4, 4]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void ValuesBeyondFloat16AreClampedNotLost()
    {
        Assert.Equal(65504f, Fp16Graph.ClampToHalf(1e9f));
        Assert.Equal(-65504f, Fp16Graph.ClampToHalf(-70000f));
        Assert.Equal(5.9604645e-8f, Fp16Graph.ClampToHalf(1e-12f));
        Assert.Equal(-5.9604645e-8f, Fp16Graph.ClampToHalf(-1e-30f));
        Assert.NotEqual(0f, (float)(Half)Fp16Graph.ClampToHalf(1e-8f));
        Assert.Equal(0f, Fp16Graph.ClampToHalf(0f));
        Assert.Equal(0.1f, Fp16Graph.ClampToHalf(0.1f));
        Assert.True(float.IsPositiveInfinity(Fp16Graph.ClampToHalf(float.PositiveInfinity)));
    }

    [Fact]
    public void ControlFlowAndCustomOperatorsAreRefusedNamingTheFile()
    {
        var path = TestModels.PairLogits;
        var subgraph = Edited(path, node =>
        {
            var attr = new ProtoMessage();
            attr.AddString(AttrName, "then_branch");
            attr.AddMessage(AttrGraph, new ProtoMessage());
            node.AddMessage(NodeAttribute, attr);
        });
        var ex = Assert.Throws<InputException>(() => Fp16Graph.Convert(subgraph, path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("subgraph", ex.Message);

        var custom = Edited(path, node => node.AddString(NodeDomain, "com.example"));
        ex = Assert.Throws<InputException>(() => Fp16Graph.Convert(custom, path));
        Assert.Contains("com.example", ex.Message);
    }

    [Fact]
    public void ANonOnnxFileIsAnInferenceErrorNamingIt()
    {
        using var dir = new Support.TempDir();
        var path = dir.File("not-a-model.onnx");
        File.WriteAllBytes(path, [0x0F, 0xFF, 0xFF]);
        var ex = Assert.Throws<InferenceException>(() => ChangeModel.Load(path, new InferenceOptions { Fp16 = true }));
        Assert.Contains(path, ex.Message);
    }

    private static byte[] Edited(string path, Action<ProtoMessage> editFirstNode)
    {
        var model = ProtoMessage.Parse(File.ReadAllBytes(path));
        editFirstNode(model.Message(ModelGraph)!.Message(GraphNode)!);
        return model.ToArray();
    }
}
