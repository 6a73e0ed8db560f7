using System.CommandLine;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using WeiPian.Cli;
using WeiPian.Cli.Commands;
using WeiPian.Engine.Files;

// System.CommandLine's texts in the language of every other message, whatever the machine's culture.
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
// ONNX Runtime's own log lines only when tracing: the engine reports what went wrong in its own messages.
var ortLog = new EnvironmentCreationOptions
{
    logId = "weipian",
    logLevel = Environment.GetEnvironmentVariable("WEIPIAN_TRACE") == "1" ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
};
OrtEnv.CreateInstanceWithOptions(ref ortLog);

var root = new RootCommand("WeiPian.Engine: change polygons (图斑) from pairs of multispectral satellite scenes.");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(SynthCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(PolygonizeCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(BenchModelsCommand.Create());
root.Subcommands.Add(ReprocessCommand.Create());
root.Subcommands.Add(SiloCommand.Create());
root.Subcommands.Add(RecheckCommand.Create());
root.Subcommands.Add(SpotCheckCommand.Create());
root.Subcommands.Add(TallyCommand.Create());
root.Subcommands.Add(SynthVerdictsCommand.Create());
root.Subcommands.Add(ExportTrainingCommand.Create());
OutputNotices.Raised += notice => Console.Error.WriteLine($"weipian: {notice}");
return await CliErrors.RunAsync(root, args);
