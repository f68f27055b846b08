//! Pings: streamed in batches from CSV or Parquet, validated row by row, never loaded whole;
//! sequentially ([`PingReader`] as an iterator) or on every core ([`PingReader::par_fold`]).
//!
//! Both ways share one decoder per format: CSV fields are read from the record's bytes (no
//! allocation per field, only per rejected row), Parquet rows from typed Arrow arrays. The parallel
//! read cuts the input into parts (CSV chunks of whole records, Parquet row groups or row ranges),
//! decodes them on the rayon pool, and merges the parts' reject logs in file order, so the rejects
//! are the same at any thread count.

use super::csv_table::{ColumnMap, Columns, CsvTable, RecordSplitter, SplitError};
use super::point::{PointCheck, accuracy};
use super::{InputError, PingBatch, ReadOptions, Reject, RejectLog, RejectReason, TimeParser};
use crate::privacy::{DeviceKey, DeviceKeyer};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
};
use parquet::file::metadata::PageIndexPolicy;
use rayon::iter::{IntoParallelIterator, ParallelBridge, ParallelIterator};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

const COLUMNS: [&str; 5] = ["device_id", "ts", "lon", "lat", "accuracy_m"];

/// CSV bytes per parallel part: large enough that handing a part over costs nothing per ping,
/// small enough that a few parts in flight stay a few MiB.
const DEFAULT_CHUNK_BYTES: usize = 4 << 20;

/// Parquet rows per parallel part when a row group can be cut (it has an offset index): a 1 Mi-row
/// group becomes 4 parts, so even a one-group file keeps 2 cores busy.
const DEFAULT_CHUNK_ROWS: usize = 1 << 18;

/// CSV parts waiting for a worker, beyond those being decoded.
const CHUNKS_QUEUED: usize = 4;

/// The file format of a pings input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PingFormat {
    /// Comma-separated text with a header row.
    Csv,
    /// Apache Parquet (any codec the build supports: snappy, zstd, lz4, gzip).
    Parquet,
}

impl PingFormat {
    /// The format implied by a file name (`.csv`, `.parquet`/`.pq`), if any.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Some(Self::Csv),
            "parquet" | "pq" | "parq" => Some(Self::Parquet),
            _ => None,
        }
    }
}

/// Streams valid pings in [`PingBatch`]es, logging every rejected row.
///
/// Columns (remappable): `device_id, ts, lon, lat[, accuracy_m]`. A row is rejected when the
/// device id is empty, a field is missing or not a number, NaN/inf, the time is unparsable, the
/// point is out of range (with a hint when lon/lat look swapped), at (0, 0), outside the study area,
/// or its accuracy is negative or worse than `max_accuracy_m`. An empty accuracy is unknown and kept.
///
/// Parquet columns may be: `device_id` string or integer (integers are keyed as their decimal text);
/// `ts` integer (seconds or milliseconds by magnitude), floating seconds, an Arrow timestamp of any
/// unit, or RFC 3339 text; `lon`, `lat`, `accuracy_m` floating, integer or numeric text. Parquet
/// "lines" are 1-based row numbers.
///
/// Read it as an iterator (one thread, batches in file order) or with [`PingReader::par_fold`]
/// (every core of the rayon pool, batches in any order); both give the same pings and the same
/// [`rejects`](PingReader::rejects).
///
/// # Errors
/// [`PingReader::open`] fails when the file is missing or a column is absent or of an unusable type;
/// iteration yields an [`InputError`] when the file turns out malformed or has no data row.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{PingReader, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("pings.csv");
/// std::fs::write(&path, "device_id,ts,lon,lat\nd1,1780000000,7.42,43.73\nd1,soon,7.42,43.73\n")?;
/// let opts = ReadOptions::new("salt", jiff::tz::TimeZone::UTC);
/// let mut reader = PingReader::open(&path, None, &opts)?;
/// let mut n = 0;
/// for batch in &mut reader {
///     n += batch?.len();
/// }
/// assert_eq!(n, 1);
/// assert_eq!(reader.rejects().total(), 1);
/// # Ok(()) }
/// ```
pub struct PingReader {
    path: PathBuf,
    source: Source,
    ctx: Ctx,
    batch_size: usize,
    rejects: RejectLog,
    done: bool,
    /// Data rows read so far, valid or not.
    rows: u64,
    cache: KeyCache,
    chunk_bytes: usize,
    chunk_rows: usize,
}

enum Source {
    Csv(Box<CsvSource>),
    Parquet(Box<ParquetSource>),
}

struct CsvSource {
    table: CsvTable,
    layout: CsvLayout,
}

/// Where the ping columns are in a CSV record.
struct CsvLayout {
    header_len: usize,
    /// Header position of each of the five columns (`None`: no accuracy column).
    index: [Option<usize>; 5],
}

struct ParquetSource {
    /// The sequential reader, created on first use (a parallel read never needs it).
    reader: Option<ParquetRecordBatchReader>,
    next_row: u64,
    pending: Option<(RecordBatch, usize)>,
    layout: ParquetLayout,
}

/// What every part of a Parquet file is read with (shared by the threads of a parallel read).
struct ParquetLayout {
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// Leaf columns read: a row group can be cut into row ranges when all have an offset index.
    leaves: Vec<usize>,
    /// Position in the projected batch of each of the five columns (`None`: no accuracy column).
    slots: [Option<usize>; 5],
}

/// What every row's validation needs; shared by all threads of a parallel read.
struct Ctx {
    keyer: DeviceKeyer,
    time: TimeParser,
    check: PointCheck,
    max_accuracy_m: f64,
    names: [String; 5],
}

/// The last device id seen and its key: pings of one device often come in runs, and a SipHash of
/// the id costs more than comparing it.
#[derive(Default)]
struct KeyCache {
    last: Option<LastId>,
    text: Vec<u8>,
    key: DeviceKey,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LastId {
    /// The id in `KeyCache::text`.
    Text,
    Int(i64),
    UInt(u64),
}

impl PingReader {
    /// Opens a pings file; `format` defaults to the one implied by the extension (else CSV).
    ///
    /// # Errors
    /// [`InputError::Open`], [`InputError::MissingColumn`], [`InputError::ColumnType`],
    /// [`InputError::Malformed`] (not a Parquet file), [`InputError::Crs`].
    pub fn open(
        path: &Path,
        format: Option<PingFormat>,
        opts: &ReadOptions,
    ) -> Result<Self, InputError> {
        let names = COLUMNS.map(|c| {
            opts.columns
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_string())
        });
        let ctx = Ctx {
            keyer: opts.keyer,
            time: opts.time.clone(),
            check: opts.point_check(path)?,
            max_accuracy_m: opts.max_accuracy_m,
            names,
        };
        let format = format
            .or_else(|| PingFormat::from_path(path))
            .unwrap_or(PingFormat::Csv);
        let (source, header) = match format {
            PingFormat::Csv => {
                let cols = Columns {
                    required: &COLUMNS[..4],
                    optional: &COLUMNS[4..],
                };
                let table = CsvTable::open(path, "pings", cols, &opts.columns)?;
                let header = table.header().to_vec();
                let layout = CsvLayout {
                    header_len: header.len(),
                    index: std::array::from_fn(|i| table.position(i)),
                };
                (Source::Csv(Box::new(CsvSource { table, layout })), header)
            }
            PingFormat::Parquet => {
                let (src, header) = ParquetSource::open(path, &opts.columns)?;
                (Source::Parquet(Box::new(src)), header)
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            source,
            ctx,
            batch_size: opts.batch_size.max(1),
            rejects: RejectLog::new("pings", header),
            done: false,
            rows: 0,
            cache: KeyCache::default(),
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            chunk_rows: DEFAULT_CHUNK_ROWS,
        })
    }

    /// With another size of the parts a parallel read cuts: `bytes` of CSV per part (default
    /// 4 MiB; whole records, so a part may be longer), `rows` of Parquet per part when a row
    /// group can be cut (default 262,144; row groups without an offset index stay whole).
    ///
    /// The result does not depend on it; smaller parts balance better on small files and cost
    /// more hand-overs.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use catchment::input::{PingReader, ReadOptions};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("pings.csv");
    /// std::fs::write(&path, "device_id,ts,lon,lat\nd1,1780000000,7.42,43.73\n")?;
    /// let opts = ReadOptions::new("salt", jiff::tz::TimeZone::UTC);
    /// let reader = PingReader::open(&path, None, &opts)?.with_part_size(1 << 20, 1 << 16);
    /// # drop(reader);
    /// # Ok(()) }
    /// ```
    pub fn with_part_size(mut self, bytes: usize, rows: usize) -> Self {
        self.chunk_bytes = bytes.max(1);
        self.chunk_rows = rows.max(1);
        self
    }

    /// The rejects so far.
    pub fn rejects(&self) -> &RejectLog {
        &self.rejects
    }

    /// Data rows read so far (valid or not).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The rejects, once reading is over.
    pub fn into_rejects(self) -> RejectLog {
        self.rejects
    }

    /// Decodes the rest of the input on the current rayon pool and folds every valid batch into
    /// per-task states, which it returns (at most one per task; some may have seen no batch).
    ///
    /// Batches arrive in any order and concurrently; each state sees a subset, and every valid
    /// ping of the rest of the input is in exactly one batch (its `line` says where it was). The
    /// rejects are gathered into [`PingReader::rejects`] in file order, exactly as sequential
    /// reading would log them, and [`PingReader::rows`] counts the rows read, so everything but the
    /// split into states is the same at any thread count. Afterwards the reader is exhausted.
    ///
    /// CSV is cut into parts of whole records (about 4 MiB, see [`PingReader::with_part_size`]) by
    /// one extra thread and decoded by the pool, with a few parts in flight; Parquet is decoded by
    /// row group, or by row ranges of a row group when the file has an offset index, each part with
    /// its own file handle. Memory stays bounded by a few parts and batches per thread.
    ///
    /// # Errors
    /// As iteration: [`InputError::Malformed`] (with the file and line of the first problem in
    /// file order, and the rejects up to it), [`InputError::Empty`] when the file has no data row,
    /// [`InputError::Open`] when the file cannot be reopened for a part.
    ///
    /// # Performance
    /// Per ping: a SipHash of the id text (skipped while the id repeats), the time, the range and
    /// area checks, and the CRS conversion (none for WGS-84); CSV fields are parsed from the bytes
    /// in place. `benches/inputs.rs` (`peer_pings`) measures it against sequential reading.
    ///
    /// # Example
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use catchment::input::{PingReader, ReadOptions};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("pings.csv");
    /// std::fs::write(&path, "device_id,ts,lon,lat\nd1,1780000000,7.42,43.73\nd2,soon,7.4,43.7\n")?;
    /// let opts = ReadOptions::new("salt", jiff::tz::TimeZone::UTC);
    /// let mut reader = PingReader::open(&path, None, &opts)?;
    /// let counts = reader.par_fold(|| 0usize, |n, batch| *n += batch.len())?;
    /// assert_eq!(counts.iter().sum::<usize>(), 1);
    /// assert_eq!(reader.rejects().first().map(|r| r.line), Some(3));
    /// # Ok(()) }
    /// ```
    pub fn par_fold<S, I, F>(&mut self, init: I, fold: F) -> Result<Vec<S>, InputError>
    where
        S: Send,
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, PingBatch) + Sync + Send,
    {
        if self.done {
            return Ok(Vec::new());
        }
        self.done = true;
        let collector = Collector::new(self.rejects.empty_like());
        let job = Job {
            path: &self.path,
            ctx: &self.ctx,
            batch_size: self.batch_size,
            collector: &collector,
        };
        let states = match &mut self.source {
            Source::Csv(src) => {
                let src = &mut **src;
                par_csv(&job, src, self.chunk_bytes, &init, &fold)
            }
            Source::Parquet(src) => {
                let pieces = src.layout.pieces(src.next_row, self.chunk_rows);
                par_parquet(&job, &src.layout, &pieces, &init, &fold)
            }
        };
        let (log, rows, error) = collector.finish();
        self.rows += rows;
        self.rejects.merge(log);
        if let Some(e) = error {
            return Err(e);
        }
        if self.rows == 0 {
            return Err(InputError::Empty {
                path: self.path.clone(),
                what: "pings",
            });
        }
        Ok(states)
    }

    fn next_csv(&mut self) -> Result<PingBatch, InputError> {
        let Source::Csv(src) = &mut self.source else {
            unreachable!("CSV source")
        };
        let src = &mut **src;
        let mut batch = PingBatch::default();
        let splitter = src.table.splitter_mut();
        while batch.len() < self.batch_size {
            let next = splitter
                .next_record()
                .map_err(|e| malformed(&self.path, e))?;
            let Some((line, blank)) = next else {
                (0..splitter.trailing_blank_lines()).for_each(|_| self.rejects.blank_line());
                self.done = true;
                break;
            };
            self.rows += 1;
            (0..blank).for_each(|_| self.rejects.blank_line());
            self.ctx.csv_record(
                splitter,
                line,
                &src.layout,
                &mut self.cache,
                &mut batch,
                &mut self.rejects,
            );
        }
        Ok(batch)
    }

    fn next_parquet(&mut self) -> Result<PingBatch, InputError> {
        let Source::Parquet(src) = &mut self.source else {
            unreachable!("Parquet source")
        };
        let src = &mut **src;
        if src.reader.is_none() {
            src.reader = Some(src.layout.sequential(&self.path, self.batch_size)?);
        }
        let mut batch = PingBatch::default();
        while batch.len() < self.batch_size {
            let (rb, start) = match src.pending.take() {
                Some(p) => p,
                None => match src.reader.as_mut().and_then(Iterator::next) {
                    None => {
                        self.done = true;
                        break;
                    }
                    Some(Err(e)) => return Err(decode_error(&self.path, src.next_row, &e)),
                    Some(Ok(rb)) => (rb, 0),
                },
            };
            let take = (self.batch_size - batch.len()).min(rb.num_rows() - start);
            self.ctx.arrow_rows(
                &rb,
                &src.layout.slots,
                start..start + take,
                src.next_row + 1,
                &mut self.cache,
                &mut batch,
                &mut self.rejects,
            );
            src.next_row += take as u64;
            self.rows += take as u64;
            if start + take < rb.num_rows() {
                src.pending = Some((rb, start + take));
            }
        }
        Ok(batch)
    }
}

impl Iterator for PingReader {
    type Item = Result<PingBatch, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let batch = match self.source {
                Source::Csv(_) => self.next_csv(),
                Source::Parquet(_) => self.next_parquet(),
            };
            match batch {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(b) if !b.is_empty() => return Some(Ok(b)),
                Ok(_) if self.done && self.rows == 0 => {
                    return Some(Err(InputError::Empty {
                        path: self.path.clone(),
                        what: "pings",
                    }));
                }
                // A batch whose rows were all rejected: read on.
                Ok(_) => continue,
            }
        }
    }
}

fn malformed(path: &Path, e: SplitError) -> InputError {
    InputError::Malformed {
        path: path.to_path_buf(),
        line: e.line,
        message: e.message,
    }
}

/// A Parquet decoding error; `row` rows were decoded before it.
fn decode_error(path: &Path, row: u64, e: &dyn std::fmt::Display) -> InputError {
    InputError::Malformed {
        path: path.to_path_buf(),
        line: row + 1,
        message: format!("cannot decode Parquet: {e}"),
    }
}

fn batch_with_capacity(n: usize) -> PingBatch {
    PingBatch {
        device: Vec::with_capacity(n),
        ts: Vec::with_capacity(n),
        lon: Vec::with_capacity(n),
        lat: Vec::with_capacity(n),
        accuracy_m: Vec::with_capacity(n),
        line: Vec::with_capacity(n),
    }
}

// ---------------------------------------------------------------------------------------------
// Parallel reading

/// What every part of a parallel read shares.
struct Job<'a> {
    path: &'a Path,
    ctx: &'a Ctx,
    batch_size: usize,
    collector: &'a Collector,
}

/// One rayon task's state: the caller's, and the key cache.
struct Task<S> {
    state: S,
    cache: KeyCache,
}

/// The per-part outcomes of a parallel read, put back in file order.
///
/// Parts finish in any order; each hands in its reject log (and its error, if it stopped on one).
/// Logs are merged in part order as soon as the parts before them are in, so at most the parts in
/// flight wait here, and the merged log is the one a sequential read would have. After a failed
/// part nothing more is merged: a sequential read would have stopped there too.
struct Collector {
    state: Mutex<Collected>,
    /// The lowest failed part, `usize::MAX` while none: parts after it are skipped.
    failed: AtomicUsize,
}

struct Collected {
    log: RejectLog,
    next: usize,
    waiting: BTreeMap<usize, (RejectLog, bool)>,
    stopped: bool,
    rows: u64,
    error: Option<(usize, InputError)>,
}

impl Collector {
    fn new(log: RejectLog) -> Self {
        Self {
            state: Mutex::new(Collected {
                log,
                next: 0,
                waiting: BTreeMap::new(),
                stopped: false,
                rows: 0,
                error: None,
            }),
            failed: AtomicUsize::new(usize::MAX),
        }
    }

    /// An empty log for one part.
    fn part_log(&self) -> RejectLog {
        self.lock().log.empty_like()
    }

    /// Whether part `index` need not be read: an earlier part failed.
    fn skip(&self, index: usize) -> bool {
        index > self.failed.load(Ordering::Acquire)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Collected> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Part `index` is done: `rows` read, its rejects, and the error it stopped on.
    fn part_done(&self, index: usize, rows: u64, log: RejectLog, error: Option<InputError>) {
        let mut c = self.lock();
        c.rows += rows;
        let failed = error.is_some();
        if let Some(e) = error {
            self.failed.fetch_min(index, Ordering::AcqRel);
            if c.error.as_ref().is_none_or(|(i, _)| index < *i) {
                c.error = Some((index, e));
            }
        }
        c.waiting.insert(index, (log, failed));
        while !c.stopped {
            let next = c.next;
            let Some((log, failed)) = c.waiting.remove(&next) else {
                break;
            };
            c.log.merge(log);
            c.next += 1;
            c.stopped = failed;
        }
    }

    fn finish(self) -> (RejectLog, u64, Option<InputError>) {
        let c = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        (c.log, c.rows, c.error.map(|(_, e)| e))
    }
}

/// A CSV part: whole records, starting on line `after + 1` of the file.
struct Chunk {
    index: usize,
    after: u64,
    bytes: Vec<u8>,
}

/// Spent chunk buffers, reused so a part costs no fresh multi-MiB allocation.
#[derive(Default)]
struct BufferPool(Mutex<Vec<Vec<u8>>>);

impl BufferPool {
    fn take(&self) -> Vec<u8> {
        let spent = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        spent.map_or_else(Vec::new, |mut b| {
            b.clear();
            b
        })
    }

    fn give(&self, buf: Vec<u8>) {
        let mut pool = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < CHUNKS_QUEUED * 2 {
            pool.push(buf);
        }
    }
}

fn par_csv<S, I, F>(
    job: &Job<'_>,
    src: &mut CsvSource,
    chunk_bytes: usize,
    init: &I,
    fold: &F,
) -> Vec<S>
where
    S: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, PingBatch) + Sync + Send,
{
    let splitter = src.table.splitter_mut();
    let after = splitter.line();
    let input = splitter.inner_mut();
    let layout = &src.layout;
    let pool = BufferPool::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS_QUEUED);
    std::thread::scope(|scope| {
        let pool = &pool;
        // The cutter is a plain thread, not a pool task: it mostly waits on the disk and on the
        // queue, and must not hold one of the pool's threads while it does.
        let cutter = scope.spawn(move || cut_chunks(job, input, after, chunk_bytes, pool, tx));
        let states = rx
            .into_iter()
            .par_bridge()
            .fold(
                || Task {
                    state: init(),
                    cache: KeyCache::default(),
                },
                |mut task, chunk| {
                    if !job.collector.skip(chunk.index) {
                        csv_chunk(job, layout, &chunk, &mut task, fold);
                    }
                    pool.give(chunk.bytes);
                    task
                },
            )
            .map(|t| t.state)
            .collect();
        if let Err(panic) = cutter.join() {
            std::panic::resume_unwind(panic);
        }
        states
    })
}

/// Decodes one CSV part and hands in its rejects.
fn csv_chunk<S, F>(job: &Job<'_>, layout: &CsvLayout, chunk: &Chunk, task: &mut Task<S>, fold: &F)
where
    F: Fn(&mut S, PingBatch),
{
    let mut splitter = RecordSplitter::starting_after(&chunk.bytes[..], chunk.after);
    let mut log = job.collector.part_log();
    let mut rows = 0;
    let mut batch = batch_with_capacity(job.batch_size.min(1 << 16));
    let error = loop {
        let (line, blank) = match splitter.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => {
                // A part may end with blank lines that a whole-file read counts before the next
                // record.
                (0..splitter.trailing_blank_lines()).for_each(|_| log.blank_line());
                break None;
            }
            Err(e) => break Some(malformed(job.path, e)),
        };
        rows += 1;
        (0..blank).for_each(|_| log.blank_line());
        job.ctx.csv_record(
            &splitter,
            line,
            layout,
            &mut task.cache,
            &mut batch,
            &mut log,
        );
        if batch.len() >= job.batch_size {
            let full = std::mem::replace(&mut batch, batch_with_capacity(job.batch_size));
            fold(&mut task.state, full);
        }
    };
    if error.is_none() && !batch.is_empty() {
        fold(&mut task.state, batch);
    }
    job.collector.part_done(chunk.index, rows, log, error);
}

/// Cuts the CSV byte stream (positioned after line `after`) into parts of whole records.
///
/// A line end is a record boundary exactly when the quotes before it, counted from a boundary,
/// are even (a record goes on while its quotes are unbalanced; blank lines have none), so a part
/// is cut at the last such line end of a block and the rest starts the next one. A record longer
/// than the block grows the block; a quote left open for more than `MAX_RECORD_LINES` lines is
/// handed on as is, for the decoder to report where it opened.
fn cut_chunks(
    job: &Job<'_>,
    input: &mut BufReader<File>,
    mut after: u64,
    chunk_bytes: usize,
    pool: &BufferPool,
    tx: std::sync::mpsc::SyncSender<Chunk>,
) {
    let mut index = 0;
    let mut buf = pool.take();
    let mut target = chunk_bytes;
    loop {
        if job.collector.skip(index) {
            return;
        }
        let want = target.saturating_sub(buf.len());
        let got = match input.by_ref().take(want as u64).read_to_end(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                let line = after + count(&buf, b'\n') as u64 + 1;
                let error = InputError::Malformed {
                    path: job.path.to_path_buf(),
                    line,
                    message: format!("read error: {e}"),
                };
                job.collector
                    .part_done(index, 0, job.collector.part_log(), Some(error));
                return;
            }
        };
        // `read_to_end` stops short of `want` only at the end of the file.
        if got < want {
            if !buf.is_empty() {
                let _ = tx.send(Chunk {
                    index,
                    after,
                    bytes: buf,
                });
            }
            return;
        }
        let cut = match record_boundary(&buf) {
            Some(cut) => Some(cut),
            None if count(&buf, b'\n') > super::csv_table::MAX_RECORD_LINES as usize => {
                buf.iter().rposition(|&b| b == b'\n').map(|i| i + 1)
            }
            None => None,
        };
        let Some(cut) = cut else {
            target = target.saturating_mul(2).max(buf.len() + 1);
            continue;
        };
        let mut rest = pool.take();
        rest.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let lines = count(&buf, b'\n') as u64;
        let chunk = Chunk {
            index,
            after,
            bytes: std::mem::replace(&mut buf, rest),
        };
        if tx.send(chunk).is_err() {
            return;
        }
        index += 1;
        after += lines;
        target = chunk_bytes;
    }
}

/// The end (just past its `\n`) of the last whole record in `buf`, which starts at a boundary.
fn record_boundary(buf: &[u8]) -> Option<usize> {
    let mut end = buf.iter().rposition(|&b| b == b'\n')? + 1;
    let mut quotes = count(&buf[..end], b'"');
    while quotes % 2 == 1 {
        let prev = buf[..end - 1].iter().rposition(|&b| b == b'\n')? + 1;
        quotes -= count(&buf[prev..end], b'"');
        end = prev;
    }
    Some(end)
}

/// Occurrences of `b` (a loop the compiler vectorises).
fn count(bytes: &[u8], b: u8) -> usize {
    bytes.iter().filter(|&&x| x == b).count()
}

/// A Parquet part: rows `rows` (0-based, within the group) of row group `group`, whose first row
/// is row `first + 1` of the file.
struct Piece {
    group: usize,
    rows: Range<usize>,
    group_rows: usize,
    first: u64,
}

fn par_parquet<S, I, F>(
    job: &Job<'_>,
    src: &ParquetLayout,
    pieces: &[Piece],
    init: &I,
    fold: &F,
) -> Vec<S>
where
    S: Send,
    I: Fn() -> S + Sync + Send,
    F: Fn(&mut S, PingBatch) + Sync + Send,
{
    (0..pieces.len())
        .into_par_iter()
        .fold(
            || Task {
                state: init(),
                cache: KeyCache::default(),
            },
            |mut task, index| {
                if !job.collector.skip(index) {
                    let mut log = job.collector.part_log();
                    let piece = &pieces[index];
                    let error = parquet_piece(job, src, piece, &mut task, &mut log, fold).err();
                    let rows = if error.is_none() {
                        piece.rows.len() as u64
                    } else {
                        0
                    };
                    job.collector.part_done(index, rows, log, error);
                }
                task
            },
        )
        .map(|t| t.state)
        .collect()
}

/// Decodes one Parquet part through its own file handle (clones of one handle share the offset).
fn parquet_piece<S, F>(
    job: &Job<'_>,
    src: &ParquetLayout,
    piece: &Piece,
    task: &mut Task<S>,
    log: &mut RejectLog,
    fold: &F,
) -> Result<(), InputError>
where
    F: Fn(&mut S, PingBatch),
{
    let file = File::open(job.path).map_err(|source| InputError::Open {
        path: job.path.to_path_buf(),
        what: "pings",
        source,
    })?;
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, src.meta.clone())
        .with_projection(src.mask.clone())
        .with_batch_size(job.batch_size)
        .with_row_groups(vec![piece.group]);
    if piece.rows.len() < piece.group_rows {
        let mut sel = Vec::new();
        if piece.rows.start > 0 {
            sel.push(RowSelector::skip(piece.rows.start));
        }
        sel.push(RowSelector::select(piece.rows.len()));
        builder = builder.with_row_selection(RowSelection::from(sel));
    }
    let reader = builder
        .build()
        .map_err(|e| decode_error(job.path, piece.first, &e))?;
    let mut row = piece.first;
    for rb in reader {
        let rb = rb.map_err(|e| decode_error(job.path, row, &e))?;
        let mut batch = batch_with_capacity(rb.num_rows());
        job.ctx.arrow_rows(
            &rb,
            &src.slots,
            0..rb.num_rows(),
            row + 1,
            &mut task.cache,
            &mut batch,
            log,
        );
        row += rb.num_rows() as u64;
        if !batch.is_empty() {
            fold(&mut task.state, batch);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Parquet source

impl ParquetSource {
    fn open(path: &Path, map: &ColumnMap) -> Result<(Self, Vec<String>), InputError> {
        let file = File::open(path).map_err(|source| InputError::Open {
            path: path.to_path_buf(),
            what: "pings",
            source,
        })?;
        let malformed = |e: parquet::errors::ParquetError| InputError::Malformed {
            path: path.to_path_buf(),
            line: 0,
            message: format!("not a readable Parquet file: {e}"),
        };
        // The offset index (where each page starts) lets a part of a row group skip the pages
        // before it instead of decoding them.
        let options = ArrowReaderOptions::new().with_offset_index_policy(PageIndexPolicy::Optional);
        let meta = ArrowReaderMetadata::load(&file, options).map_err(malformed)?;
        let schema = meta.schema().clone();
        let found = || {
            schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut roots = Vec::new();
        let mut header = Vec::new();
        for (i, &c) in COLUMNS.iter().enumerate() {
            let wanted = map.get(c).map_or(c, String::as_str);
            let pos = schema
                .fields()
                .iter()
                .position(|f| f.name() == wanted)
                .or_else(|| {
                    schema
                        .fields()
                        .iter()
                        .position(|f| f.name().eq_ignore_ascii_case(wanted))
                });
            let Some(pos) = pos else {
                if i == 4 {
                    continue;
                }
                return Err(InputError::MissingColumn {
                    path: path.to_path_buf(),
                    column: wanted.to_string(),
                    default: c.to_string(),
                    found: found(),
                });
            };
            let field = schema.field(pos);
            if !Col::accepts(i, field.data_type()) {
                return Err(InputError::ColumnType {
                    path: path.to_path_buf(),
                    column: field.name().clone(),
                    found: field.data_type().to_string(),
                    expected: Col::expected(i),
                });
            }
            roots.push((i, pos));
            header.push(field.name().clone());
        }
        // The projected batch keeps columns in schema order.
        let mut by_pos: Vec<usize> = roots.iter().map(|&(_, p)| p).collect();
        by_pos.sort_unstable();
        let mut slots = [None; 5];
        for &(i, pos) in &roots {
            slots[i] = by_pos.iter().position(|&p| p == pos);
        }
        let descr = meta.parquet_schema();
        let mask = ProjectionMask::roots(descr, by_pos.iter().copied());
        let leaves = (0..descr.num_columns())
            .filter(|&l| by_pos.contains(&descr.get_column_root_idx(l)))
            .collect();
        Ok((
            Self {
                reader: None,
                next_row: 0,
                pending: None,
                layout: ParquetLayout {
                    meta,
                    mask,
                    leaves,
                    slots,
                },
            },
            header,
        ))
    }
}

impl ParquetLayout {
    /// The sequential reader, from the start of the file.
    fn sequential(
        &self,
        path: &Path,
        batch_size: usize,
    ) -> Result<ParquetRecordBatchReader, InputError> {
        let file = File::open(path).map_err(|source| InputError::Open {
            path: path.to_path_buf(),
            what: "pings",
            source,
        })?;
        ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_projection(self.mask.clone())
            .with_batch_size(batch_size)
            .build()
            .map_err(|e| decode_error(path, 0, &e))
    }

    /// The parts of the rows from `from` (0-based) on: whole row groups, or ranges of about
    /// `chunk_rows` rows of those that have an offset index for every column read.
    fn pieces(&self, from: u64, chunk_rows: usize) -> Vec<Piece> {
        let meta = self.meta.metadata();
        let mut pieces = Vec::new();
        let mut first = 0u64;
        for group in 0..meta.num_row_groups() {
            let group_rows = usize::try_from(meta.row_group(group).num_rows()).unwrap_or(0);
            let start = usize::try_from(from.saturating_sub(first)).unwrap_or(usize::MAX);
            let index = meta.page_index_for_row_group(group);
            let cuttable = self.leaves.iter().all(|&l| index.offset_index(l).is_some());
            let step = if cuttable { chunk_rows } else { group_rows };
            let mut a = start;
            while a < group_rows {
                let b = a.saturating_add(step.max(1)).min(group_rows);
                pieces.push(Piece {
                    group,
                    rows: a..b,
                    group_rows,
                    first: first + a as u64,
                });
                a = b;
            }
            first += group_rows as u64;
        }
        pieces
    }
}

/// One typed Arrow column the reader understands.
enum Col<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    I64(&'a arrow_array::Int64Array),
    I32(&'a arrow_array::Int32Array),
    U64(&'a arrow_array::UInt64Array),
    U32(&'a arrow_array::UInt32Array),
    F64(&'a arrow_array::Float64Array),
    F32(&'a arrow_array::Float32Array),
    /// Timestamps as raw i64 and units per second.
    Ts(&'a dyn Array, i64),
}

impl<'a> Col<'a> {
    fn accepts(column: usize, t: &DataType) -> bool {
        use DataType::*;
        let text = matches!(t, Utf8 | LargeUtf8 | Utf8View);
        let int = matches!(t, Int64 | Int32 | UInt64 | UInt32);
        let float = matches!(t, Float64 | Float32);
        match column {
            0 => text || int,
            // Float32 cannot hold an epoch second (24-bit mantissa): refused, not misread.
            1 => text || int || matches!(t, Float64 | Timestamp(_, _)),
            _ => text || int || float,
        }
    }

    fn expected(column: usize) -> &'static str {
        match column {
            0 => "text or integer",
            1 => "integer epoch seconds/milliseconds, floating seconds, timestamp or RFC 3339 text",
            _ => "floating, integer or numeric text",
        }
    }

    fn of(a: &'a ArrayRef) -> Option<Self> {
        Some(match a.data_type() {
            DataType::Utf8 => Col::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Col::LargeUtf8(a.as_string::<i64>()),
            DataType::Utf8View => Col::Utf8View(a.as_string_view()),
            DataType::Int64 => Col::I64(a.as_primitive::<Int64Type>()),
            DataType::Int32 => Col::I32(a.as_primitive::<Int32Type>()),
            DataType::UInt64 => Col::U64(a.as_primitive::<UInt64Type>()),
            DataType::UInt32 => Col::U32(a.as_primitive::<UInt32Type>()),
            DataType::Float64 => Col::F64(a.as_primitive::<Float64Type>()),
            DataType::Float32 => Col::F32(a.as_primitive::<Float32Type>()),
            DataType::Timestamp(unit, _) => Col::Ts(
                a.as_ref(),
                match unit {
                    TimeUnit::Second => 1,
                    TimeUnit::Millisecond => 1_000,
                    TimeUnit::Microsecond => 1_000_000,
                    TimeUnit::Nanosecond => 1_000_000_000,
                },
            ),
            _ => return None,
        })
    }

    fn get(&self, i: usize) -> Val<'a> {
        macro_rules! v {
            ($a:expr, $f:expr) => {
                if $a.is_null(i) {
                    Val::Null
                } else {
                    $f($a.value(i))
                }
            };
        }
        match self {
            Col::Utf8(a) => v!(a, Val::Str),
            Col::LargeUtf8(a) => v!(a, Val::Str),
            Col::Utf8View(a) => v!(a, Val::Str),
            Col::I64(a) => v!(a, Val::Int),
            Col::I32(a) => v!(a, |x: i32| Val::Int(x.into())),
            Col::U64(a) => v!(a, Val::UInt),
            Col::U32(a) => v!(a, |x: u32| Val::Int(x.into())),
            Col::F64(a) => v!(a, Val::Float),
            Col::F32(a) => v!(a, Val::F32),
            Col::Ts(a, per_second) => {
                if a.is_null(i) {
                    return Val::Null;
                }
                let raw = match per_second {
                    1 => a.as_primitive::<TimestampSecondType>().value(i),
                    1_000 => a.as_primitive::<TimestampMillisecondType>().value(i),
                    1_000_000 => a.as_primitive::<TimestampMicrosecondType>().value(i),
                    _ => a.as_primitive::<TimestampNanosecondType>().value(i),
                };
                Val::Epoch(raw.div_euclid(*per_second))
            }
        }
    }
}

/// One field value, from text (CSV) or typed (Parquet).
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A 32-bit float, kept apart so it prints as written (`340.9`, not `340.899993896…`).
    F32(f32),
    /// Exact epoch seconds (from an Arrow timestamp).
    Epoch(i64),
}

impl Val<'_> {
    fn to_text(self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Str(s) => s.to_string(),
            Val::Int(v) | Val::Epoch(v) => v.to_string(),
            Val::UInt(v) => v.to_string(),
            Val::Float(v) => v.to_string(),
            Val::F32(v) => v.to_string(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Val::Null => true,
            Val::Str(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    fn number(&self, column: &str) -> Result<Option<f64>, RejectReason> {
        match *self {
            Val::Null => Ok(None),
            Val::Str(s) => super::point::optional_number(column, s),
            Val::Int(v) | Val::Epoch(v) => Ok(Some(v as f64)),
            Val::UInt(v) => Ok(Some(v as f64)),
            Val::Float(v) if v.is_finite() => Ok(Some(v)),
            Val::F32(v) if v.is_finite() => Ok(Some(v.into())),
            Val::F32(v) => Err(RejectReason::NotFinite {
                column: column.to_string(),
                value: v.to_string(),
            }),
            Val::Float(v) => Err(RejectReason::NotFinite {
                column: column.to_string(),
                value: v.to_string(),
            }),
        }
    }
}

impl Ctx {
    /// Decodes the current record of `splitter` (first line `line`) into `batch`, or logs why it
    /// is rejected. The record's bytes are read in place; only a rejected row is copied.
    fn csv_record<R: std::io::BufRead>(
        &self,
        splitter: &RecordSplitter<R>,
        line: u64,
        layout: &CsvLayout,
        cache: &mut KeyCache,
        batch: &mut PingBatch,
        rejects: &mut RejectLog,
    ) {
        let n = splitter.len();
        let result = match splitter.text_fields() {
            None => Err(RejectReason::NotUtf8),
            Some(_) if n != layout.header_len => Err(RejectReason::FieldCount {
                expected: layout.header_len,
                found: n,
            }),
            Some(text) => {
                let f = |c: usize| Val::Str(layout.index[c].map_or("", |p| text.get(p)));
                self.validate([f(0), f(1), f(2), f(3), f(4)], cache)
            }
        };
        match result {
            Ok((key, ts, lon, lat, acc)) => batch.push(key, ts, lon, lat, acc, line),
            Err(reason) => {
                let mut row: Vec<String> = (0..n)
                    .map(|i| String::from_utf8_lossy(splitter.field(i)).into_owned())
                    .collect();
                if let Some(p) = layout.index[0].filter(|&p| p < row.len()) {
                    row[p] = super::redact_device(&self.keyer, &row[p]);
                }
                rejects.push(Reject { line, reason, row });
            }
        }
    }

    /// Decodes rows `rows` of a projected record batch, whose row `rows.start` is row `line` of
    /// the file, into `batch`, logging the rejected ones.
    #[allow(clippy::too_many_arguments)]
    fn arrow_rows(
        &self,
        rb: &RecordBatch,
        slots: &[Option<usize>; 5],
        rows: Range<usize>,
        line: u64,
        cache: &mut KeyCache,
        batch: &mut PingBatch,
        rejects: &mut RejectLog,
    ) {
        let cols: [Option<Col<'_>>; 5] = slots.map(|s| s.and_then(|i| Col::of(rb.column(i))));
        let get = |c: usize, i: usize| cols[c].as_ref().map_or(Val::Null, |col| col.get(i));
        let first = rows.start;
        for i in rows {
            let line = line + (i - first) as u64;
            let vals = [get(0, i), get(1, i), get(2, i), get(3, i), get(4, i)];
            match self.validate(vals, cache) {
                Ok((key, ts, lon, lat, acc)) => batch.push(key, ts, lon, lat, acc, line),
                Err(reason) => {
                    let mut row: Vec<String> = vals.iter().map(|v| v.to_text()).collect();
                    row[0] = super::redact_device(&self.keyer, &row[0]);
                    if slots[4].is_none() {
                        row.pop();
                    }
                    rejects.push(Reject { line, reason, row });
                }
            }
        }
    }

    /// The key of a device id, through the cache of the last one.
    fn key(&self, dev: Val<'_>, cache: &mut KeyCache) -> Result<DeviceKey, RejectReason> {
        let mut digits = [0u8; 20];
        match dev {
            Val::Str(s) => {
                if cache.last == Some(LastId::Text) && cache.text == s.as_bytes() {
                    return Ok(cache.key);
                }
                if s.trim().is_empty() {
                    return Err(RejectReason::EmptyDeviceId);
                }
                cache.text.clear();
                cache.text.extend_from_slice(s.as_bytes());
                Ok(cache.remember(LastId::Text, self.keyer.key(s)))
            }
            Val::UInt(v) => {
                if cache.last == Some(LastId::UInt(v)) {
                    return Ok(cache.key);
                }
                let key = self.keyer.key(decimal(v, &mut digits));
                Ok(cache.remember(LastId::UInt(v), key))
            }
            Val::Int(v) => {
                if cache.last == Some(LastId::Int(v)) {
                    return Ok(cache.key);
                }
                let text = decimal(v.unsigned_abs(), &mut digits);
                let key = if v < 0 {
                    self.keyer.key(&format!("-{text}"))
                } else {
                    self.keyer.key(text)
                };
                Ok(cache.remember(LastId::Int(v), key))
            }
            Val::Null => Err(RejectReason::EmptyDeviceId),
            // Not an accepted id type (checked at open); keyed as its text all the same.
            other => Ok(self.keyer.key(&other.to_text())),
        }
    }

    /// A ping from its five fields, or why it is rejected. Checks run in column order, then the
    /// point, then the accuracy, so the first problem a person would see is the one reported.
    fn validate(
        &self,
        [dev, ts, lon, lat, acc]: [Val<'_>; 5],
        cache: &mut KeyCache,
    ) -> Result<(DeviceKey, i64, f64, f64, f32), RejectReason> {
        let key = self.key(dev, cache)?;
        let bad_time = || RejectReason::BadTime {
            column: self.names[1].clone(),
            value: ts.to_text(),
        };
        let t = match ts {
            v if v.is_empty() => {
                return Err(RejectReason::Missing {
                    column: self.names[1].clone(),
                });
            }
            Val::Str(s) => self.time.parse(s).ok_or_else(bad_time)?,
            Val::Int(v) => TimeParser::from_epoch_int(v),
            Val::UInt(v) => TimeParser::from_epoch_int(i64::try_from(v).map_err(|_| bad_time())?),
            Val::Float(v) if v.is_finite() && v.abs() < 9.0e18 => {
                let s = if v >= super::EPOCH_MS_THRESHOLD as f64 {
                    v / 1000.0
                } else {
                    v
                };
                s.floor() as i64
            }
            Val::Epoch(v) => v,
            _ => return Err(bad_time()),
        };
        let coord = |v: Val<'_>, name: &String| {
            v.number(name)?.ok_or_else(|| RejectReason::Missing {
                column: name.clone(),
            })
        };
        let x = coord(lon, &self.names[2])?;
        let y = coord(lat, &self.names[3])?;
        let acc_m = acc.number(&self.names[4])?;
        let (lon, lat) = self.check.check(x, y)?;
        let acc = accuracy(acc_m, self.max_accuracy_m)?;
        Ok((key, t, lon, lat, acc))
    }
}

impl KeyCache {
    fn remember(&mut self, id: LastId, key: DeviceKey) -> DeviceKey {
        self.last = Some(id);
        self.key = key;
        key
    }
}

/// The decimal text of `v` (as `v.to_string()`), written into `buf` without allocating.
///
/// Two digits per division: a 19-digit id (the peer data's) costs 10 divisions, not 19.
fn decimal(mut v: u64, buf: &mut [u8; 20]) -> &str {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut i = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_is_to_string() {
        let mut buf = [0u8; 20];
        for v in [
            0,
            7,
            10,
            99,
            100,
            101,
            1_234_567_890_123,
            u64::MAX,
            u64::MAX / 10,
        ]
        .into_iter()
        .chain((0..2000).map(|i| i * 7919))
        {
            assert_eq!(decimal(v, &mut buf), v.to_string());
        }
    }

    fn ctx() -> Ctx {
        let opts = ReadOptions::new("salt", jiff::tz::TimeZone::UTC);
        Ctx {
            keyer: opts.keyer,
            time: opts.time.clone(),
            check: opts.point_check(Path::new("x")).unwrap(),
            max_accuracy_m: opts.max_accuracy_m,
            names: COLUMNS.map(String::from),
        }
    }

    #[test]
    fn keys_are_the_keys_of_the_id_text_cached_or_not() {
        let ctx = ctx();
        let mut cache = KeyCache::default();
        let text = |s: &str| ctx.keyer.key(s);
        for _ in 0..2 {
            for v in [0u64, 42, u64::MAX] {
                assert_eq!(ctx.key(Val::UInt(v), &mut cache), Ok(text(&v.to_string())));
            }
            for v in [0i64, 42, -42, i64::MIN, i64::MAX] {
                assert_eq!(ctx.key(Val::Int(v), &mut cache), Ok(text(&v.to_string())));
            }
            // The same digits as text and as a number: the same key, whatever the cache holds.
            assert_eq!(ctx.key(Val::Str(" 42 "), &mut cache), Ok(text("42")));
            assert_eq!(ctx.key(Val::UInt(42), &mut cache), Ok(text("42")));
            assert_eq!(ctx.key(Val::Str("d1"), &mut cache), Ok(text("d1")));
            assert_eq!(ctx.key(Val::Str("d1"), &mut cache), Ok(text("d1")));
            assert_eq!(ctx.key(Val::Str("d2"), &mut cache), Ok(text("d2")));
        }
        assert_eq!(
            ctx.key(Val::Str("  "), &mut cache),
            Err(RejectReason::EmptyDeviceId)
        );
        assert_eq!(
            ctx.key(Val::Null, &mut cache),
            Err(RejectReason::EmptyDeviceId)
        );
    }

    #[test]
    fn record_boundaries_respect_quotes() {
        assert_eq!(record_boundary(b"a,b\nc,d\ne"), Some(8));
        assert_eq!(record_boundary(b"a,b\nc,d\n"), Some(8));
        assert_eq!(record_boundary(b"no newline"), None);
        // The last line end is inside a quoted field: cut before the record.
        assert_eq!(record_boundary(b"a,b\n\"c\nd"), Some(4));
        assert_eq!(record_boundary(b"a,b\n\"c\nd\"\n"), Some(10));
        assert_eq!(record_boundary(b"\"c\nd\ne"), None);
        // Escaped quotes count twice.
        assert_eq!(record_boundary(b"\"a\"\"b\"\n\"x\n"), Some(7));
        assert_eq!(record_boundary(b"\n\n\"x\ny\n"), Some(2));
    }
}
