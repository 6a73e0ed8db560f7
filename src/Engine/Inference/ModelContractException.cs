namespace WeiPian.Engine.Inference;

/// <summary>
/// A model and what the engine is told about it disagree: the model card is missing, malformed or
/// inconsistent, the card contradicts the ONNX graph, or a scene lacks the bands the model needs.
/// </summary>
/// <remarks>The message names the file, what was found and what was expected.</remarks>
public sealed class ModelContractException : InputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file and what was expected.</param>
    /// <param name="source">The model, card or scene file the problem is about.</param>
    /// <param name="inner">The underlying error (a JSON parse error, ...), if any.</param>
    public ModelContractException(string message, string source, Exception? inner = null)
        : base(message, inner)
    {
        SourcePath = source;
    }

    /// <summary>The model, card or scene file the problem is about.</summary>
    public string SourcePath { get; }
}

/// <summary>ONNX Runtime could not load or run a model (a corrupt file, a missing provider library, an out-of-memory, ...).</summary>
/// <remarks>The message names the model file and carries ONNX Runtime's own message.</remarks>
public sealed class InferenceException : InputException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the model file.</param>
    /// <param name="inner">ONNX Runtime's exception.</param>
    public InferenceException(string message, Exception? inner = null) : base(message, inner) { }
}
