namespace WeiPian.Engine.Inference;

/// <summary>How a change model takes the two dates (card <c>input.form</c>).</summary>
public enum InputForm
{
    /// <summary>"pair": two ONNX inputs, before and after, each N x C x H x W float32.</summary>
    Pair,
    /// <summary>"stacked": one ONNX input N x 2C x H x W float32, the two dates' channels concatenated (OpenMMLab style).</summary>
    Stacked,
    /// <summary>
    /// "blocks": three ONNX inputs, before, after and difference, each N x C x H/b x W/b float32 (b = card
    /// <c>input.block</c>): the b x b block means of each date's scaled bands and of |after - before|, which the engine
    /// computes while it scales; the output has one value per block. Only for screens (<c>--screen</c>): a detection
    /// model must give classes per pixel.
    /// </summary>
    Blocks,
}

/// <summary>Which date's channels come first in a stacked input (card <c>input.stackOrder</c>).</summary>
public enum StackOrder
{
    /// <summary>"before-after": channels 0..C-1 are the before date, C..2C-1 the after date.</summary>
    BeforeAfter,
    /// <summary>"after-before": channels 0..C-1 are the after date, C..2C-1 the before date.</summary>
    AfterBefore,
}

/// <summary>What a change model outputs (card <c>output.form</c>).</summary>
public enum OutputForm
{
    /// <summary>"logits": N x K x H x W raw class scores; softmax gives the class probabilities.</summary>
    Logits,
    /// <summary>"probabilities": N x K x H x W class probabilities, already softmaxed.</summary>
    Probabilities,
    /// <summary>"change-logit": N x 1 x H x W; sigmoid(x) &gt;= threshold means change of class <c>changeClass</c>.</summary>
    ChangeLogit,
}

/// <summary>Card spellings of the form enums.</summary>
internal static class CardForms
{
    public static string Name(InputForm form) => form switch
    {
        InputForm.Pair => "pair",
        InputForm.Stacked => "stacked",
        _ => "blocks",
    };

    public static string Name(StackOrder order) => order == StackOrder.BeforeAfter ? "before-after" : "after-before";

    public static string Name(OutputForm form) => form switch
    {
        OutputForm.Logits => "logits",
        OutputForm.Probabilities => "probabilities",
        _ => "change-logit",
    };

    public static bool TryParse(string text, out InputForm form)
    {
        (var ok, form) = text switch
        {
            "pair" => (true, InputForm.Pair),
            "stacked" => (true, InputForm.Stacked),
            "blocks" => (true, InputForm.Blocks),
            _ => (false, InputForm.Pair),
        };
        return ok;
    }

    public static bool TryParse(string text, out StackOrder order)
    {
        (var ok, order) = text switch
        {
            "before-after" => (true, StackOrder.BeforeAfter),
            "after-before" => (true, StackOrder.AfterBefore),
            _ => (false, StackOrder.BeforeAfter),
        };
        return ok;
    }

    public static bool TryParse(string text, out OutputForm form)
    {
        (var ok, form) = text switch
        {
            "logits" => (true, OutputForm.Logits),
            "probabilities" => (true, OutputForm.Probabilities),
            "change-logit" => (true, OutputForm.ChangeLogit),
            _ => (false, OutputForm.Logits),
        };
        return ok;
    }
}
