namespace WeiPian.Engine.Inference;

/// <summary>
/// Rewrites a float32 ONNX graph to compute in float16 while its inputs and outputs stay float32, so the
/// engine's tiles, kernels and card checks are the same for both (what <see cref="InferenceOptions.Fp16"/> loads).
/// </summary>
/// <remarks>
/// <para>The same rules as onnxconverter-common's <c>convert_float_to_float16(keep_io_types=True)</c>, written for
/// the graphs segmentation models export to: float32 weights and constants become float16 (values beyond
/// ±65504 are clamped to it, non-zero values nearer zero than 2^-24 to ±2^-24 so no divisor becomes 0);
/// <c>Cast(to=float)</c> becomes <c>Cast(to=float16)</c>; each float graph input gets a Cast to float16 and each float
/// graph output is cast back from it; the inputs the ONNX spec types as float32 whatever the data (Resize's roi and
/// scales, Upsample's scales) stay float32. Shape annotations (value_info) are dropped and re-inferred by ONNX
/// Runtime.</para>
/// <para>Refused with <see cref="InputException"/>: control flow (If, Loop, Scan: their subgraphs would need the
/// same rewrite), operators outside the default ONNX domain (their float16 support is unknown), operators that make
/// float tensors from a dtype attribute (EyeLike, Random*, Bernoulli, Multinomial), external weight files and
/// sparse initializers.</para>
/// </remarks>
internal static class Fp16Graph
{
    private const int Float = 1, Float16 = 10;

    // ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto field numbers (onnx.proto).
    private const int ModelGraph = 7;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13, GraphSparseInitializer = 15;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int AttrName = 1, AttrInt = 3, AttrTensor = 5, AttrGraph = 6, AttrGraphs = 11, AttrType = 20;
    private const int AttrTypeInt = 2, AttrTypeTensor = 4;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9, TensorExternalData = 13, TensorDataLocation = 14;
    private const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorTypeElem = 1;

    private static readonly HashSet<string> DtypeOps = ["EyeLike", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial"];

    /// <summary>The float16 graph of the float32 model <paramref name="onnx"/>, as ONNX bytes.</summary>
    /// <param name="onnx">The model file's bytes.</param>
    /// <param name="path">The model file, for messages.</param>
    /// <exception cref="InputException">The graph uses something the rewrite does not handle (see remarks).</exception>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    public static byte[] Convert(ReadOnlyMemory<byte> onnx, string path)
    {
        var model = ProtoMessage.Parse(onnx);
        var graph = model.Message(ModelGraph) ?? throw new InvalidDataException($"'{path}' has no graph.");
        if (graph.Has(GraphSparseInitializer)) throw Refuse(path, "it has sparse initializers");
        var nodes = graph.Messages(GraphNode).ToList();
        foreach (var node in nodes) CheckNode(node, path);

        var consumers = new Dictionary<string, List<(ProtoMessage Node, int Slot)>>();
        foreach (var node in nodes)
        {
            var slot = 0;
            foreach (var input in node.Strings(NodeInput))
            {
                if (input.Length > 0) Consumers(consumers, input).Add((node, slot));
                slot++;
            }
        }
        bool OnlyFloat32Slots(string value) =>
            consumers.TryGetValue(value, out var list) && list.TrueForAll(c => IsFloat32Slot(c.Node, c.Slot));

        // Values that stay float32: weights and constants read only by float32-typed slots, and casts made only for them.
        var keptFloat32 = new HashSet<string>(StringComparer.Ordinal);
        var initializerNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in graph.Messages(GraphInitializer))
        {
            var name = tensor.String(TensorName) ?? "";
            initializerNames.Add(name);
            if (tensor.Varint(TensorDataType) != Float) continue;
            if (OnlyFloat32Slots(name)) keptFloat32.Add(name);
            else ToFloat16(tensor, path);
        }
        foreach (var node in nodes)
        {
            var op = node.String(NodeOpType);
            var output = node.Strings(NodeOutput).FirstOrDefault() ?? "";
            var keep = OnlyFloat32Slots(output);
            if (op is "Constant" or "ConstantOfShape")
            {
                var value = Attribute(node, "value");
                if (value?.Message(AttrTensor) is { } t && t.Varint(TensorDataType) == Float)
                {
                    if (keep) keptFloat32.Add(output);
                    else ToFloat16(t, path);
                }
                else if (op == "Constant" && node.Messages(NodeAttribute).Any(a => a.String(AttrName) is "value_float" or "value_floats"))
                    throw Refuse(path, $"Constant node '{node.String(NodeName)}' holds value_float(s); export its value as a tensor");
                else if (op == "ConstantOfShape" && value is null && !keep)
                    node.AddMessage(NodeAttribute, TensorAttribute("value", ZeroHalf()));
            }
            else if (op == "Cast" && Attribute(node, "to") is { } to && to.Varint(AttrInt) == Float)
            {
                if (keep) keptFloat32.Add(output);
                else to.SetVarint(AttrInt, Float16);
            }
        }

        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputCasts = new List<ProtoMessage>();
        foreach (var input in graph.Messages(GraphInput))
        {
            var name = input.String(ValueName) ?? "";
            if (initializerNames.Contains(name))
            {
                // An initializer also listed as an input (older exports): its declared type follows the initializer.
                if (ElemType(input) is { } e && e.Varint(TensorTypeElem) == Float && !keptFloat32.Contains(name)) e.SetVarint(TensorTypeElem, Float16);
                continue;
            }
            if (ElemType(input)?.Varint(TensorTypeElem) != Float || !consumers.ContainsKey(name)) continue;
            rename[name] = name + "/fp16";
            inputCasts.Add(CastNode(name, rename[name], Float16));
        }
        var outputCasts = new List<ProtoMessage>();
        var outputRename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var output in graph.Messages(GraphOutput))
        {
            var name = output.String(ValueName) ?? "";
            if (ElemType(output)?.Varint(TensorTypeElem) != Float || keptFloat32.Contains(name)) continue;
            if (rename.ContainsKey(name)) throw Refuse(path, $"graph input '{name}' is also a graph output");
            outputRename[name] = name + "/fp16";
            outputCasts.Add(CastNode(outputRename[name], name, Float));
        }
        foreach (var (from, to) in outputRename) rename[from] = to;

        foreach (var node in nodes)
        {
            node.MapStrings(NodeInput, v => rename.GetValueOrDefault(v, v));
            node.MapStrings(NodeOutput, v => outputRename.GetValueOrDefault(v, v));
        }
        // Float32-typed slots fed by a value that is now float16 read it through a cast back.
        foreach (var node in nodes)
        {
            var inputs = node.Strings(NodeInput).ToList();
            for (var slot = 0; slot < inputs.Count; slot++)
            {
                var value = inputs[slot];
                if (value.Length == 0 || !IsFloat32Slot(node, slot) || keptFloat32.Contains(value)) continue;
                var cast = value + "/fp32/" + slot + "/" + (node.String(NodeName) ?? "");
                graph.InsertMessage(GraphNode, CastNode(value, cast, Float), node);
                var at = 0;
                node.MapStrings(NodeInput, v => at++ == slot ? cast : v);
            }
        }
        foreach (var cast in Enumerable.Reverse(inputCasts)) graph.InsertMessage(GraphNode, cast, anchor: null);
        foreach (var cast in outputCasts) graph.AddMessage(GraphNode, cast);
        graph.Remove(GraphValueInfo);
        return model.ToArray();
    }

    // The inputs whose type the spec fixes to float32, whatever the data's type.
    private static bool IsFloat32Slot(ProtoMessage node, int slot) => node.String(NodeOpType) switch
    {
        "Resize" => slot is 1 or 2,
        "Upsample" => slot == 1,
        _ => false,
    };

    private static void CheckNode(ProtoMessage node, string path)
    {
        var op = node.String(NodeOpType) ?? "";
        var name = node.String(NodeName) ?? "";
        var domain = node.String(NodeDomain);
        if (!string.IsNullOrEmpty(domain) && domain != "ai.onnx")
            throw Refuse(path, $"node '{name}' is {domain}.{op}, outside the default ONNX domain");
        if (DtypeOps.Contains(op))
            throw Refuse(path, $"node '{name}' ({op}) makes a tensor of a type named in its attributes");
        if (node.Messages(NodeAttribute).Any(a => a.Has(AttrGraph) || a.Has(AttrGraphs)))
            throw Refuse(path, $"node '{name}' ({op}) has a subgraph (control flow)");
    }

    private static void ToFloat16(ProtoMessage tensor, string path)
    {
        if (tensor.Varint(TensorDataLocation) == 1 || tensor.Has(TensorExternalData))
            throw Refuse(path, $"tensor '{tensor.String(TensorName)}' keeps its data in an external file");
        var halves = new List<byte>();
        void Add(float f)
        {
            var h = BitConverter.HalfToUInt16Bits((Half)ClampToHalf(f));
            halves.Add((byte)h);
            halves.Add((byte)(h >> 8));
        }
        if (tensor.Has(TensorRawData))
        {
            var raw = tensor.Bytes(TensorRawData).Span;
            for (var i = 0; i + 4 <= raw.Length; i += 4) Add(BitConverter.ToSingle(raw[i..]));
        }
        else
        {
            foreach (var bits in tensor.Fixed32s(TensorFloatData)) Add(BitConverter.UInt32BitsToSingle(bits));
        }
        tensor.Remove(TensorFloatData);
        tensor.SetBytes(TensorRawData, halves.ToArray());
        tensor.SetVarint(TensorDataType, Float16);
    }

    /// <summary>A float as the nearest float16 would hold it without turning into infinity or (for a non-zero) zero.</summary>
    internal static float ClampToHalf(float f)
    {
        const float max = 65504f, min = 5.9604645e-8f; // float16's largest finite and smallest positive (2^-24)
        if (float.IsNaN(f) || float.IsInfinity(f) || f == 0) return f;
        var a = MathF.Abs(f);
        return a > max ? MathF.CopySign(max, f) : a < min ? MathF.CopySign(min, f) : f;
    }

    private static List<(ProtoMessage, int)> Consumers(Dictionary<string, List<(ProtoMessage, int)>> map, string value)
    {
        if (!map.TryGetValue(value, out var list)) map[value] = list = [];
        return list;
    }

    private static ProtoMessage? Attribute(ProtoMessage node, string name) =>
        node.Messages(NodeAttribute).FirstOrDefault(a => a.String(AttrName) == name);

    private static ProtoMessage? ElemType(ProtoMessage valueInfo) => valueInfo.Message(ValueType)?.Message(TypeTensor);

    private static ProtoMessage CastNode(string input, string output, int to)
    {
        var node = new ProtoMessage();
        node.AddString(NodeInput, input);
        node.AddString(NodeOutput, output);
        node.AddString(NodeName, "weipian.fp16/" + output);
        node.AddString(NodeOpType, "Cast");
        var attr = new ProtoMessage();
        attr.AddString(AttrName, "to");
        attr.AddVarint(AttrInt, to);
        attr.AddVarint(AttrType, AttrTypeInt);
        node.AddMessage(NodeAttribute, attr);
        return node;
    }

    private static ProtoMessage TensorAttribute(string name, ProtoMessage tensor)
    {
        var attr = new ProtoMessage();
        attr.AddString(AttrName, name);
        attr.AddMessage(AttrTensor, tensor);
        attr.AddVarint(AttrType, AttrTypeTensor);
        return attr;
    }

    private static ProtoMessage ZeroHalf()
    {
        var tensor = new ProtoMessage();
        tensor.AddVarint(TensorDims, 1);
        tensor.AddVarint(TensorDataType, Float16);
        tensor.SetBytes(TensorRawData, new byte[2]);
        return tensor;
    }

    private static InputException Refuse(string path, string why) =>
        new($"'{path}' cannot be run in float16 by the engine: {why}. Run it in float32 (leave fp16 off), or export a float16 graph with float32 inputs and outputs yourself.");
}
