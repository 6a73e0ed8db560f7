using System.Threading.Channels;
using WeiPian.Engine.Inference;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The infer stage: the model, and nothing else, so its cores never wait for our work. <see cref="ChangeModel.Lanes"/>
/// threads each run whole batches, which may then finish out of order (the stitch stage
/// puts them back in order). The model's time is the time at least one lane is inside a run, so wall / model keeps its
/// meaning however many lanes there are.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="scaled">Works scaled into model input (in).</param>
/// <param name="inferred">Works with the model's output (out); completed when the last lane ends.</param>
/// <param name="times">Model time.</param>
internal sealed class InferStage(ChangeModel model, ChannelReader<TileWork> scaled, ChannelWriter<TileWork> inferred, StageTimes times)
{
    private readonly Lock _modelLock = new();
    private int _running;      // lanes inside a model run; under _modelLock
    private long _modelSince;  // when _running last rose from 0; under _modelLock
    private int _lanesLeft;

    /// <summary>Starts <see cref="ChangeModel.Lanes"/> lanes, one thread each, through <paramref name="start"/>.</summary>
    public Task[] Start(Func<Func<Task>, Task> start)
    {
        _lanesLeft = model.Lanes;
        return [.. Enumerable.Range(0, model.Lanes).Select(_ => start(RunLaneAsync))];
    }

    /// <summary>One lane: runs the model on each work it takes until <c>scaled</c> ends.</summary>
    private async Task RunLaneAsync()
    {
        await foreach (var work in scaled.ReadAllAsync().ConfigureAwait(false))
        {
            if (work.Count > 0)
            {
                lock (_modelLock) if (_running++ == 0) _modelSince = StageTimes.Start();
                try
                {
                    model.Run(work.Batch, work.Count);
                }
                finally
                {
                    lock (_modelLock) if (--_running == 0) times.Add(StageTimes.Stage.Model, _modelSince);
                }
            }
            await inferred.WriteAsync(work).ConfigureAwait(false);
        }
        if (Interlocked.Decrement(ref _lanesLeft) == 0) inferred.Complete();
    }
}
