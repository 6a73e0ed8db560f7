using System.Globalization;
using Microsoft.Data.Sqlite;

namespace WeiPian.Engine.Batch;

/// <summary>One scene's row in the journal.</summary>
/// <param name="Key">The scene key.</param>
/// <param name="Ordinal">Its position in the manifest (0-based).</param>
/// <param name="State">Where it is.</param>
/// <param name="Attempts">Runs started, this and earlier batches together.</param>
/// <param name="Error">Why the last run failed, when it did.</param>
/// <param name="StartedUtc">When the last run started.</param>
/// <param name="FinishedUtc">When the last run ended.</param>
/// <param name="Seconds">Wall time of the last run.</param>
/// <param name="Polygons">Polygons of the done scene.</param>
/// <param name="Output">The done scene's polygon file, a full path (the journal stores it relative to the batch folder).</param>
/// <param name="OutputSha256">Its SHA-256.</param>
internal sealed record SceneRecord(string Key, int Ordinal, SceneState State, int Attempts, string? Error, DateTime? StartedUtc,
    DateTime? FinishedUtc, double? Seconds, int? Polygons, string? Output, string? OutputSha256);

/// <summary>What <see cref="BatchJournal.Synchronise"/> found.</summary>
/// <param name="Added">Scenes new to the journal.</param>
/// <param name="AlreadyDone">Scenes done by an earlier run whose file is intact: they are skipped.</param>
/// <param name="Interrupted">Scenes an earlier run left running (it crashed or was killed): they run again.</param>
/// <param name="Changed">Done scenes whose inputs or settings changed, or whose file is gone or altered: they run again.</param>
/// <param name="Retried">Scenes that failed before: they run again.</param>
public sealed record JournalSync(int Added, int AlreadyDone, int Interrupted, int Changed, int Retried)
{
    /// <summary>
    /// The folder the journal was last used in, when that is not where it is now: the batch folder was moved or copied.
    /// Only scene files inside the current folder count, so a copy never takes the original's files.
    /// </summary>
    public string? MovedFrom { get; init; }
}

/// <summary>
/// The batch journal: an embedded SQLite database (WAL, synchronous=FULL) with one row per scene: its state (pending,
/// running, done, failed), error, timings, polygon count and output file hash. Every change is one committed
/// transaction, so after a crash or <c>kill -9</c> the journal says exactly which scenes finished.
/// </summary>
/// <remarks>
/// <para>Scene files are recorded relative to the journal's folder (the batch folder), so a batch folder moved or copied
/// elsewhere keeps its own files; a table <c>meta</c> records the folder the journal was last used in, to say so.</para>
/// <para>Thread-safe: calls are serialised on one connection.</para>
/// </remarks>
internal sealed class BatchJournal : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();

    private static readonly string[] SceneColumns =
        ["key", "ordinal", "fingerprint", "before", "after", "state", "attempts", "error", "started_utc", "finished_utc", "seconds", "polygons", "output", "output_sha256", "note"];

    private BatchJournal(string path, SqliteConnection db, string? movedFrom)
    {
        Path = path;
        Folder = System.IO.Path.GetDirectoryName(path)!;
        _db = db;
        MovedFrom = movedFrom;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>The batch folder: the journal's folder, which scene files are recorded relative to.</summary>
    public string Folder { get; }

    /// <summary>The folder the journal was last used in when it was not this one (the batch folder was moved or copied); else null.</summary>
    public string? MovedFrom { get; }

    /// <summary>Opens (creating when missing) the journal at <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The file is not a readable SQLite database (corrupt, truncated) or not a reprocess journal.</exception>
    public static BatchJournal Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            db.Open();
            CheckReadable(db, full);
            CheckSchema(db, full);
            Execute(db, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 10000;
                CREATE TABLE IF NOT EXISTS scenes (
                    key TEXT PRIMARY KEY,
                    ordinal INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    before TEXT NOT NULL,
                    after TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    started_utc TEXT,
                    finished_utc TEXT,
                    seconds REAL,
                    polygons INTEGER,
                    output TEXT,
                    output_sha256 TEXT,
                    note TEXT);
                CREATE TABLE IF NOT EXISTS runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_utc TEXT NOT NULL,
                    finished_utc TEXT,
                    pid INTEGER,
                    scenes INTEGER,
                    skipped INTEGER,
                    interrupted INTEGER,
                    failed INTEGER,
                    outcome TEXT);
                CREATE TABLE IF NOT EXISTS meta (
                    name TEXT PRIMARY KEY,
                    value TEXT);
                """);
            var folder = System.IO.Path.GetDirectoryName(full)!;
            var last = Query(db, "SELECT value FROM meta WHERE name = 'folder'", r => r.GetString(0)).FirstOrDefault();
            if (last != folder) Execute(db, "INSERT OR REPLACE INTO meta (name, value) VALUES ('folder', $f)", ("$f", folder));
            return new BatchJournal(full, db, last is not null && last != folder ? last : null);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw Unreadable(full, e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks the journal at <paramref name="path"/>, when there is one, without writing anything: it must be a readable
    /// SQLite database and, when it has tables, a reprocess journal. <see cref="Open"/> checks again with the lock held.
    /// </summary>
    /// <remarks>
    /// Opened immutable (no lock, no <c>-wal</c> or <c>-shm</c> files made): a refused journal and its folder stay
    /// byte-identical. Scenes a killed run committed only to the <c>-wal</c> file are not seen here, and need not be.
    /// </remarks>
    /// <exception cref="InputException">The file is not a readable SQLite database (corrupt, truncated) or not a reprocess journal.</exception>
    public static void CheckExisting(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) return;
        var uri = "file:" + full.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3f", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal) + "?immutable=1";
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            db.Open();
            CheckReadable(db, full);
            CheckSchema(db, full);
        }
        catch (SqliteException e)
        {
            throw Unreadable(full, e);
        }
    }

    // A truncated or overwritten journal fails on the first page SQLite reads, a damaged one only where the damage is:
    // an integrity check now turns both into one refusal before any scene runs.
    private static void CheckReadable(SqliteConnection db, string path)
    {
        var check = Query(db, "PRAGMA quick_check", r => r.GetString(0));
        if (check is not ["ok"]) throw new InputException($"Journal '{path}' is damaged ({string.Join("; ", check.Take(3))}). Move it away to start the batch afresh.");
    }

    // Before anything is written into it: a database of another program named journal.sqlite is refused, not extended.
    private static void CheckSchema(SqliteConnection db, string path)
    {
        var tables = Query(db, "SELECT name FROM sqlite_master WHERE type = 'table'", r => r.GetString(0));
        if (tables.Count == 0) return;
        if (!tables.Contains("scenes", StringComparer.OrdinalIgnoreCase))
            throw new InputException($"Journal '{path}' is not a reprocess journal (it has no table 'scenes'). Move it away to start the batch afresh.");
        var columns = Query(db, "SELECT name FROM pragma_table_info('scenes')", r => r.GetString(0));
        if (SceneColumns.Except(columns, StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } missing)
            throw new InputException($"Journal '{path}' is not a reprocess journal: its table 'scenes' has no column {missing}. Move it away to start the batch afresh.");
    }

    private static InputException Unreadable(string path, SqliteException e) =>
        new($"Journal '{path}' cannot be read as a reprocess journal ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')}). Move it away to start the batch afresh.", e);

    /// <summary>
    /// Brings the journal in line with the manifest: adds new scenes as pending; sets back to pending the scenes an
    /// earlier run left running (it was interrupted), that failed (they are retried), whose fingerprint changed (inputs or
    /// settings), or whose file is missing or no longer has the recorded SHA-256. Done scenes with intact files stay done.
    /// Scenes in the journal but not in the manifest are left alone (and not merged).
    /// </summary>
    /// <param name="jobs">The manifest's jobs, in order.</param>
    /// <param name="fingerprint">A job's fingerprint under the batch settings (see <see cref="SceneJob.Fingerprint"/>).</param>
    public JournalSync Synchronise(IReadOnlyList<SceneJob> jobs, Func<SceneJob, string> fingerprint)
    {
        lock (_gate)
        {
            var existing = Scenes().ToDictionary(s => s.Key, StringComparer.Ordinal);
            var fingerprints = Rows("SELECT key, fingerprint FROM scenes", r => (r.GetString(0), r.GetString(1))).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
            int added = 0, done = 0, interrupted = 0, changed = 0, retried = 0;
            Execute(_db, "BEGIN IMMEDIATE");
            try
            {
                for (var i = 0; i < jobs.Count; i++)
                {
                    var job = jobs[i];
                    var fp = fingerprint(job);
                    if (!existing.TryGetValue(job.Key, out var row))
                    {
                        Execute(_db, "INSERT INTO scenes (key, ordinal, fingerprint, before, after, state) VALUES ($k, $o, $f, $b, $a, 'pending')",
                            ("$k", job.Key), ("$o", i), ("$f", fp), ("$b", job.Before), ("$a", job.After));
                        added++;
                        continue;
                    }
                    string? note = null;
                    var reset = true;
                    if (fingerprints[job.Key] != fp) { note = "inputs or settings changed"; if (row.State == SceneState.Done) changed++; }
                    else if (row.State == SceneState.Running) { note = "interrupted"; interrupted++; }
                    else if (row.State == SceneState.Failed) { note = "retry after failure"; retried++; }
                    else if (row.State == SceneState.Done)
                    {
                        if (row.Output is not { } o || !Inside(o)) { note = "output outside the batch folder"; changed++; }
                        else if (File.Exists(o) && row.OutputSha256 == BatchTubanFile.Sha256(o)) { reset = false; done++; }
                        else { note = "output missing or altered"; changed++; }
                    }
                    if (reset)
                        Execute(_db, "UPDATE scenes SET ordinal = $o, fingerprint = $f, before = $b, after = $a, state = 'pending', note = coalesce($n, note) WHERE key = $k",
                            ("$k", job.Key), ("$o", i), ("$f", fp), ("$b", job.Before), ("$a", job.After), ("$n", note));
                    else
                        Execute(_db, "UPDATE scenes SET ordinal = $o WHERE key = $k", ("$k", job.Key), ("$o", i));
                }
                Execute(_db, "COMMIT");
            }
            catch
            {
                Execute(_db, "ROLLBACK");
                throw;
            }
            return new JournalSync(added, done, interrupted, changed, retried) { MovedFrom = MovedFrom };
        }
    }

    /// <summary>Records that a scene's run started.</summary>
    public void MarkRunning(string key)
    {
        lock (_gate)
            Execute(_db, "UPDATE scenes SET state = 'running', attempts = attempts + 1, started_utc = $t, finished_utc = NULL, seconds = NULL, error = NULL WHERE key = $k",
                ("$k", key), ("$t", Now()));
    }

    /// <summary>Records a scene's result: done with its file, hash and polygon count, or failed with its error.</summary>
    public void Record(SceneResult result)
    {
        lock (_gate)
            Execute(_db, """
                UPDATE scenes SET state = $s, error = $e, finished_utc = $t, seconds = $sec, polygons = $p, output = $o, output_sha256 = $h, note = NULL
                WHERE key = $k
                """,
                ("$k", result.Key), ("$s", Name(result.State)), ("$e", result.Error), ("$t", Now()), ("$sec", result.Elapsed.TotalSeconds),
                ("$p", result.State == SceneState.Done ? result.Polygons : null), ("$o", Relative(result.OutputPath)), ("$h", result.OutputSha256));
    }

    /// <summary>Sets a scene back to pending (its run was cancelled).</summary>
    public void MarkPending(string key, string note)
    {
        lock (_gate) Execute(_db, "UPDATE scenes SET state = 'pending', note = $n WHERE key = $k", ("$k", key), ("$n", note));
    }

    /// <summary>All scenes in manifest order.</summary>
    public IReadOnlyList<SceneRecord> Scenes()
    {
        lock (_gate)
            return Rows("""
                SELECT key, ordinal, state, attempts, error, started_utc, finished_utc, seconds, polygons, output, output_sha256
                FROM scenes ORDER BY ordinal, key
                """, r => new SceneRecord(r.GetString(0), r.GetInt32(1), Parse(r.GetString(2)), r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetString(4), Time(r, 5), Time(r, 6), r.IsDBNull(7) ? null : r.GetDouble(7),
                r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : System.IO.Path.GetFullPath(r.GetString(9), Folder), r.IsDBNull(10) ? null : r.GetString(10)));
    }

    /// <summary>Records the start of a batch run; returns its id.</summary>
    public long BeginRun(int scenes, int skipped, int interrupted)
    {
        lock (_gate)
        {
            Execute(_db, "INSERT INTO runs (started_utc, pid, scenes, skipped, interrupted) VALUES ($t, $p, $n, $s, $i)",
                ("$t", Now()), ("$p", Environment.ProcessId), ("$n", scenes), ("$s", skipped), ("$i", interrupted));
            return Rows("SELECT last_insert_rowid()", r => r.GetInt64(0))[0];
        }
    }

    /// <summary>Records the end of a batch run.</summary>
    public void EndRun(long id, int failed, string outcome)
    {
        lock (_gate)
            Execute(_db, "UPDATE runs SET finished_utc = $t, failed = $f, outcome = $o WHERE id = $id", ("$id", id), ("$t", Now()), ("$f", failed), ("$o", outcome));
    }

    /// <summary>Batch runs recorded so far (this one included).</summary>
    public int RunCount
    {
        get { lock (_gate) return Rows("SELECT count(*) FROM runs", r => r.GetInt32(0))[0]; }
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static DateTime? Time(SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateTime.Parse(r.GetString(i), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static string Name(SceneState s) => s switch
    {
        SceneState.Pending => "pending",
        SceneState.Running => "running",
        SceneState.Done => "done",
        _ => "failed",
    };

    private static SceneState Parse(string s) => s switch
    {
        "pending" => SceneState.Pending,
        "running" => SceneState.Running,
        "done" => SceneState.Done,
        _ => SceneState.Failed,
    };

    // Scene files inside the batch folder are stored relative to it; the rest (none the batch writes) as given.
    private string? Relative(string? path) => path is null || !Inside(path) ? path : System.IO.Path.GetRelativePath(Folder, path);

    private bool Inside(string path)
    {
        var relative = System.IO.Path.GetRelativePath(Folder, System.IO.Path.GetFullPath(path, Folder));
        return relative != ".." && !relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) && !System.IO.Path.IsPathRooted(relative);
    }

    private List<T> Rows<T>(string sql, Func<SqliteDataReader, T> map) => Query(_db, sql, map);

    private static List<T> Query<T>(SqliteConnection db, string sql, Func<SqliteDataReader, T> map)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    private static void Execute(SqliteConnection db, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
