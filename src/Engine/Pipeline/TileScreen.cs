using WeiPian.Engine.Inference;
using WeiPian.Engine.Kernels;
using WeiPian.Engine.Pipeline.Stages;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline;

/// <summary>A screen model and the change probability at which its pixels flag a tile (<see cref="InferenceOptions.ScreenModelPath"/>).</summary>
internal sealed record Screening(ChangeModel Model, double Threshold)
{
    /// <summary>Refuses a threshold outside (0, 0.5]: above 0.5 a pixel the screen calls change could pass unflagged.</summary>
    public static void CheckThreshold(double threshold)
    {
        if (!(threshold > 0 && threshold <= 0.5))
            throw new InputException(FormattableString.Invariant(
                $"A screen threshold of {threshold}: it is the change probability that flags a tile, more than 0 and at most 0.5 (the screen is tuned for recall)."))
            { Setting = nameof(InferenceOptions.ScreenThreshold) };
    }
}

/// <summary>
/// The first stage of a screening cascade: a cheap screen model runs on every tile of its own grid (its card's tile,
/// halo, bands and scaling) and picks the detection model's tiles that must run. A pixel whose change probability by the
/// screen (1 - its probability of "no change") is at least the threshold flags the detection tile it lies in and every
/// neighbour whose kept centre lies within <see cref="Margin"/> pixels of it (the detection model's halo), so that an
/// object across a tile edge, or one the screen sees smaller than it is, is whole in the detection model's classes. The
/// other tiles are "no change" without the detection model. A screen of block means (<see cref="InputForm.Blocks"/>) gets
/// them from the scaled strips (SimdKernels.BlockMeans) and has one probability per block, which flags
/// each of the block's pixels with data.
/// </summary>
/// <remarks>
/// A pass over the scene that runs beside the detection, a screen row ahead of it: a detection row is decided once the
/// screen has passed its kept rows and the margin below them (<see cref="Screened"/>), and the detection reads it then,
/// through the same datasets, so the blocks the screen just decoded are still in GDAL's block cache; a chunk with no
/// tile to run and no pixel without data is not read at all (<see cref="SkipsRead"/>). What it costs and gains:
/// bench/RESULTS.md § Screening cascade. Reading the next chunk (one reader per date) overlaps with screening the
/// current one, whose tiles are shared among the screen's lanes. Memory: the readers' two chunks, one flag per
/// detection tile and one per detection chunk. A margin around the flagged pixels, not all eight neighbours of a
/// flagged tile: it passes fewer tiles, with every polygon of the unscreened run found either way (bench/RESULTS.md §
/// Screening cascade, margin against neighbours).
/// </remarks>
internal sealed class TileScreen
{
    private readonly Screening _screening;
    private readonly IStripReader _readBefore;
    private readonly IStripReader _readAfter;
    private readonly int _bands;
    private readonly int _block;
    private readonly RadiometryPlan _radiometry;
    private readonly TileGrid _target;
    private readonly bool _sameBands;
    private readonly bool[] _flagged;
    private readonly bool[] _passes;
    private readonly bool[] _noData;
    private readonly TaskCompletionSource[] _screened;
    private int _final;

    /// <summary>
    /// Binds the screen's bands to both dates and plans its scaling; throws before any work on a date that does not fit
    /// the screen. Where the screen reads the detection model's bands (<c>targetBands</c>), it also tells which chunks
    /// the detection need not read, and where its card also scales them as the detection model's card does, it takes
    /// the detection's plan (<c>targetRadiometry</c>) rather than sampling and checking both dates again.
    /// </summary>
    public TileScreen(Screening screening, ScenePair pair, Scene before, PixelWindow regionBefore, Scene after, PixelWindow regionAfter,
        TileGrid target, (int[] Before, int[] After) targetBands, (ModelCard Card, RadiometryPlan Plan) targetRadiometry, RadiometrySetting radiometry)
    {
        _screening = screening;
        var card = screening.Model.Card;
        _target = target;
        var bandsBefore = card.BindBands(before.BandRoles, pair.Before);
        var bandsAfter = card.BindBands(after.BandRoles, pair.After);
        _bands = bandsBefore.Length;
        _block = card.Input.Block;
        _sameBands = bandsBefore.AsSpan().SequenceEqual(targetBands.Before) && bandsAfter.AsSpan().SequenceEqual(targetBands.After);
        _flagged = new bool[target.Columns * target.Rows];
        _passes = new bool[_flagged.Length];
        _noData = new bool[target.Rows * target.Chunks];
        _screened = new TaskCompletionSource[target.Rows];
        for (var r = 0; r < _screened.Length; r++) _screened[r] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _radiometry = _sameBands && ModelCard.SameScaling(card, targetRadiometry.Card)
            ? targetRadiometry.Plan
            : RadiometryPlan.Prepare(card, before, regionBefore, bandsBefore, after, regionAfter, bandsAfter, radiometry);
        Grid = new TileGrid(regionBefore.Width, regionBefore.Height, screening.Model.TileSize, screening.Model.Halo);
        // Two chunks per date: one read while the other is screened.
        _readBefore = StripReaders.For(before, regionBefore, bandsBefore, Grid, 2);
        _readAfter = StripReaders.For(after, regionAfter, bandsAfter, Grid, 2);
    }

    /// <summary>The screen's own tiles.</summary>
    public TileGrid Grid { get; }

    /// <summary>Pixels around a flagged pixel whose detection tiles run too: the detection model's halo.</summary>
    public int Margin => _target.Halo;

    /// <summary>Detection tiles holding a pixel the screen flagged.</summary>
    public long Flagged { get; private set; }

    /// <summary>Detection tiles passed to the detection model: the flagged ones and those within <see cref="Margin"/> of a flagged pixel.</summary>
    public long Passed { get; private set; }

    /// <summary>Detection chunks the detection need not read (<see cref="SkipsRead"/>).</summary>
    public long Unread { get; private set; }

    /// <summary>One line for summaries: the screen, its threshold and what it passed.</summary>
    public string Description => FormattableString.Invariant(
        $"{_screening.Model.Card.Name}@{_screening.Model.Card.Version} at change probability {_screening.Threshold}: {Flagged} tile(s) flagged, {Passed} of {_target.TileCount} passed with those within {Margin} px, {Unread} of {_noData.Length} chunks left unread");

    /// <summary>True when <see cref="ScreenAsync"/> left detection tile (<paramref name="column"/>, <paramref name="row"/>) out: "no change" without the model.</summary>
    public bool LeavesOut(int row, int column) => !_passes[row * _target.Columns + column];

    /// <summary>
    /// True when the detection need not read chunk <paramref name="chunk"/> of row <paramref name="row"/> at all: the
    /// screen left out every one of its tiles and saw no pixel without data in its kept centres (which the class raster
    /// must still mark), reading the same bands as the detection model.
    /// </summary>
    public bool SkipsRead(int row, int chunk) =>
        _sameBands && !_noData[row * _target.Chunks + chunk]
        && !_passes.AsSpan(row * _target.Columns + chunk * _target.ChunkTiles, _target.TilesIn(chunk)).Contains(true);

    /// <summary>
    /// Completes once the screen has decided detection row <paramref name="row"/>: <see cref="LeavesOut"/> and
    /// <see cref="SkipsRead"/> hold for it from then on (its kept rows and those within <see cref="Margin"/> below are
    /// screened); faults with the pass's error.
    /// </summary>
    public Task Screened(int row) => _screened[row].Task;

    /// <summary>
    /// Runs the screen on every tile of <see cref="Grid"/>, row by row, and decides which detection tiles run, releasing
    /// each detection row (<see cref="Screened"/>) as soon as it is decided.
    /// </summary>
    public async Task ScreenAsync(StageTimes times, CancellationToken cancellationToken)
    {
        var model = _screening.Model;
        var (readBefore, readAfter) = (_readBefore, _readAfter);
        var lanes = Enumerable.Range(0, model.Lanes)
            .Select(i => (Batch: model.Batch(i), Classifier: new TileClassifier(model.Card.Output, model.Card.ClassCount, model.GraphTile),
                Rows: _block > 1 ? new BlockRows(_block, Grid.Tile) : null)).ToArray();
        var valid = new byte[Grid.Kept * Grid.Width];
        var noChangeAbove = (float)(1 - _screening.Threshold);
        var chunks = Grid.Rows * Grid.Chunks;
        // The read stage's reading, one reader per date, off this thread: the next chunk is read while this one is screened.
        var pair = new PairRead(readBefore, readAfter, times);
        Task Read(int k) => Task.Run(async () => await pair.ReadAsync(k / Grid.Chunks, k % Grid.Chunks, k % 2).ConfigureAwait(false), cancellationToken);
        var reading = Read(0);
        try
        {
            for (var k = 0; k < chunks; k++)
            {
                await reading.ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (k + 1 < chunks) reading = Read(k + 1);
                var (row, chunk, slot) = (k / Grid.Chunks, k % Grid.Chunks, k % 2);
                var first = chunk * Grid.ChunkTiles;
                var end = first + Grid.TilesIn(chunk);
                var t = StageTimes.Start();
                // Pixels without data in a date are never change (the run masks them), whatever the screen makes of them.
                var strip = Grid.Strip(row);
                valid.AsSpan(0, strip.Width * strip.Height).Fill(1);
                readBefore.MarkNoData(slot, strip, valid);
                readAfter.MarkNoData(slot, strip, valid);
                MarkNoDataChunks(strip, chunk, valid);
                // Lane i takes batches i, i + lanes, ... of the chunk; flags are only ever set, so lanes may share them.
                Parallel.For(0, lanes.Length, lane =>
                {
                    var (batch, classifier, rows) = lanes[lane];
                    for (var c0 = first + lane * model.BatchSize; c0 < end; c0 += lanes.Length * model.BatchSize)
                    {
                        var n = Math.Min(model.BatchSize, end - c0);
                        for (var i = 0; i < n; i++)
                            if (rows is null) Scale(readBefore, readAfter, slot, c0 + i, batch.BeforeTile(i), batch.AfterTile(i));
                            else ScaleBlocks(readBefore, readAfter, slot, c0 + i, batch.BeforeTile(i), batch.AfterTile(i), batch.DifferenceTile(i), rows);
                        model.Run(batch, n);
                        for (var i = 0; i < n; i++)
                        {
                            classifier.Classify(batch.OutputTile(i));
                            Flag(classifier, Grid.Core(c0 + i, row), valid, noChangeAbove);
                        }
                    }
                });
                times.Add(StageTimes.Stage.Screen, t);
                if (chunk == Grid.Chunks - 1) Release(strip.Y + strip.Height);
            }
        }
        catch (Exception e)
        {
            for (var r = _final; r < _screened.Length; r++) _screened[r].TrySetException(e);
            throw;
        }
        finally
        {
            // A read still in flight uses the scenes, which the run disposes once this returns.
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        Flagged = _flagged.Count(f => f);
        Passed = _passes.Count(p => p);
        Unread = Enumerable.Range(0, _noData.Length).Count(k => SkipsRead(k / _target.Chunks, k % _target.Chunks));
    }

    // Releases the detection rows whose kept rows and the margin below them lie in the first screenedRows rows: no
    // later flag can pass one of their tiles (Around) or mark one of their chunks.
    private void Release(int screenedRows)
    {
        while (_final < _target.Rows && Math.Min(_target.Height, (_final + 1) * _target.Kept + Margin) <= screenedRows)
            _screened[_final++].TrySetResult();
    }

    // Marks the detection chunks whose kept centres hold a pixel without data in this screen chunk's part of the strip;
    // past a pixel found, the rest of its detection chunk is not looked at.
    private void MarkNoDataChunks(PixelWindow strip, int chunk, byte[] valid)
    {
        var x0 = chunk * Grid.ChunkTiles * Grid.Kept;
        var width = Math.Min(Grid.ChunkTiles * Grid.Kept, strip.Width - x0);
        var chunkWidth = _target.ChunkTiles * _target.Kept;
        for (var y = 0; y < strip.Height; y++)
        {
            var row = valid.AsSpan(y * strip.Width + x0, width);
            var first = (strip.Y + y) / _target.Kept * _target.Chunks;
            for (var x = 0; x < width;)
            {
                var i = row[x..].IndexOf((byte)0);
                if (i < 0) break;
                var target = (x0 + x + i) / chunkWidth;
                _noData[first + target] = true;
                x = (target + 1) * chunkWidth - x0;
            }
        }
    }

    private void Scale(IStripReader readBefore, IStripReader readAfter, int slot, int column, Span<float> before, Span<float> after)
    {
        var plane = Grid.Tile * Grid.Tile;
        var (b, a) = (_radiometry.Before, _radiometry.After);
        for (var band = 0; band < _bands; band++)
        {
            readBefore.ScaleTile(slot, column, band, before.Slice(band * plane, plane), b.Low[band], b.High[band], b.Multiplier[band], b.Offset[band]);
            readAfter.ScaleTile(slot, column, band, after.Slice(band * plane, plane), a.Low[band], a.High[band], a.Multiplier[band], a.Offset[band]);
        }
    }

    // A screen of block means: each band's rows scaled a block row at a time, then averaged over its blocks, for both
    // dates and their absolute difference (SimdKernels.BlockMeans).
    private void ScaleBlocks(IStripReader readBefore, IStripReader readAfter, int slot, int column, Span<float> before, Span<float> after,
        Span<float> difference, BlockRows rows)
    {
        var (tile, block, side) = (Grid.Tile, _block, _screening.Model.GraphTile);
        var (b, a) = (_radiometry.Before, _radiometry.After);
        for (var band = 0; band < _bands; band++)
            for (var y = 0; y < side; y++)
            {
                readBefore.ScaleRows(slot, column, band, y * block, block, rows.Before, b.Low[band], b.High[band], b.Multiplier[band], b.Offset[band]);
                readAfter.ScaleRows(slot, column, band, y * block, block, rows.After, a.Low[band], a.High[band], a.Multiplier[band], a.Offset[band]);
                var at = (band * side + y) * side;
                SimdKernels.BlockMeans(rows.Before, rows.After, tile, block,
                    before.Slice(at, side), after.Slice(at, side), difference.Slice(at, side), rows.Columns);
            }
    }

    // Flags the detection tiles around every pixel of the screen tile's kept centre, with data in both dates, whose change
    // probability is at least the threshold: its class is a change class (then "no change" has at most 1/2), or "no
    // change" has at most 1 - threshold. The screen's output has one value per block (a pixel for a pixel screen), and the
    // kept centre starts on a block's edge (the card's halo is whole blocks): a block that does not flag is passed over whole.
    private void Flag(TileClassifier screened, PixelWindow core, byte[] valid, float noChangeAbove)
    {
        var (halo, block, side) = (Grid.Halo, _block, _screening.Model.GraphTile);
        for (var y0 = 0; y0 < core.Height; y0 += block)
        {
            var cells = (halo + y0) / block * side + halo / block;
            for (var x0 = 0; x0 < core.Width; x0 += block)
            {
                var cell = cells + x0 / block;
                if (screened.Classes[cell] == 0 && screened.Confidence[cell] > noChangeAbove) continue;
                for (var y = y0; y < Math.Min(y0 + block, core.Height); y++)
                {
                    var data = valid.AsSpan(y * Grid.Width + core.X, core.Width);
                    for (var x = x0; x < Math.Min(x0 + block, core.Width); x++)
                        if (data[x] != 0) Around(core.X + x, core.Y + y, _target, _flagged, _passes);
                }
            }
        }
    }

    /// <summary>
    /// Flags the detection tile holding region pixel (<paramref name="x"/>, <paramref name="y"/>) and passes every tile
    /// whose kept centre lies within the grid's halo of it: the tile itself and, near its edges, the neighbours across them.
    /// </summary>
    internal static void Around(int x, int y, TileGrid target, bool[] flagged, bool[] passes)
    {
        var (kept, margin) = (target.Kept, target.Halo);
        flagged[y / kept * target.Columns + x / kept] = true;
        var (c0, c1) = (Math.Max(0, x - margin) / kept, Math.Min(target.Width - 1, x + margin) / kept);
        var (r0, r1) = (Math.Max(0, y - margin) / kept, Math.Min(target.Height - 1, y + margin) / kept);
        for (var r = r0; r <= r1; r++)
            for (var c = c0; c <= c1; c++)
                passes[r * target.Columns + c] = true;
    }

    // A lane's scratch for a screen of block means: one block row of a band, scaled, per date, and its column sums.
    private sealed class BlockRows(int block, int tile)
    {
        public float[] Before { get; } = new float[block * tile];

        public float[] After { get; } = new float[block * tile];

        public float[] Columns { get; } = new float[3 * tile];
    }
}
