//! Pass 1: pings routed to a fixed number of logical partitions by device key, spilled to disk past a
//! memory budget, so that pass 2 sees every device's pings together whatever the input order.

use super::FootfallError;
use crate::input::PingBatch;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Number of logical partitions. Fixed, so that the states of a partition are the same whatever the
/// thread count or the machine; each device falls in exactly one (the top 8 bits of its key).
pub const PARTITIONS: usize = 256;

/// One ping as kept between the passes: 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PingRecord {
    /// Device key.
    pub device: u64,
    /// Epoch seconds, UTC.
    pub ts: i64,
    /// WGS-84 longitude.
    pub lon: f64,
    /// WGS-84 latitude.
    pub lat: f64,
}

const RECORD_BYTES: usize = 32;

impl PingRecord {
    /// The partition of a device key.
    #[inline]
    pub fn partition_of(device: u64) -> usize {
        (device >> 56) as usize
    }

    /// The total order used in pass 2: device, then time, then position (bitwise), so the
    /// per-device sequence does not depend on the order pings arrived in.
    #[inline]
    pub fn total_cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.device
            .cmp(&other.device)
            .then(self.ts.cmp(&other.ts))
            .then(self.lon.total_cmp(&other.lon))
            .then(self.lat.total_cmp(&other.lat))
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.device.to_le_bytes());
        out.extend_from_slice(&self.ts.to_le_bytes());
        out.extend_from_slice(&self.lon.to_le_bytes());
        out.extend_from_slice(&self.lat.to_le_bytes());
    }

    fn read_from(b: &[u8]) -> Self {
        let word = |i: usize| <[u8; 8]>::try_from(&b[i * 8..i * 8 + 8]).expect("8 bytes");
        Self {
            device: u64::from_le_bytes(word(0)),
            ts: i64::from_le_bytes(word(1)),
            lon: f64::from_le_bytes(word(2)),
            lat: f64::from_le_bytes(word(3)),
        }
    }
}

/// Files holding the spilled records of each partition, in a private temporary folder removed on
/// drop.
#[derive(Debug)]
pub struct SpillStore {
    dir: PathBuf,
    files: Vec<Mutex<Option<BufWriter<File>>>>,
    bytes: std::sync::atomic::AtomicU64,
}

impl SpillStore {
    /// Creates the folder under `parent`.
    pub fn create(parent: &Path) -> Result<Self, FootfallError> {
        let dir = tempfile_dir(parent)?;
        Ok(Self {
            dir,
            files: (0..PARTITIONS).map(|_| Mutex::new(None)).collect(),
            bytes: Default::default(),
        })
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn path(&self, p: usize) -> PathBuf {
        self.dir.join(format!("part-{p:03}.bin"))
    }

    fn append(&self, p: usize, records: &[PingRecord]) -> Result<(), FootfallError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(records.len() * RECORD_BYTES);
        for r in records {
            r.write_to(&mut buf);
        }
        let mut slot = self.files[p].lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            let path = self.path(p);
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| FootfallError::Spill(path.clone(), e))?;
            *slot = Some(BufWriter::with_capacity(1 << 16, f));
        }
        let w = slot.as_mut().expect("just opened");
        w.write_all(&buf)
            .map_err(|e| FootfallError::Spill(self.path(p), e))?;
        self.bytes
            .fetch_add(buf.len() as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Appends the spilled records of partition `p` to `out` (and closes its file).
    fn take(&self, p: usize, out: &mut Vec<PingRecord>) -> Result<(), FootfallError> {
        let mut slot = self.files[p].lock().unwrap_or_else(|e| e.into_inner());
        let Some(mut w) = slot.take() else {
            return Ok(());
        };
        let path = self.path(p);
        w.flush()
            .map_err(|e| FootfallError::Spill(path.clone(), e))?;
        drop(w);
        let mut bytes = Vec::new();
        File::open(&path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| FootfallError::Spill(path.clone(), e))?;
        let _ = std::fs::remove_file(&path);
        out.reserve(bytes.len() / RECORD_BYTES);
        out.extend(bytes.chunks_exact(RECORD_BYTES).map(PingRecord::read_from));
        Ok(())
    }
}

impl Drop for SpillStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tempfile_dir(parent: &Path) -> Result<PathBuf, FootfallError> {
    std::fs::create_dir_all(parent).map_err(|e| FootfallError::Spill(parent.to_path_buf(), e))?;
    for n in 0..1000u32 {
        let dir = parent.join(format!(".catchment-spill-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(FootfallError::Spill(dir, e)),
        }
    }
    Err(FootfallError::Spill(
        parent.to_path_buf(),
        std::io::Error::other("no free spill folder name"),
    ))
}

/// The pass-1 state: pings grouped by partition. Mergeable by concatenation in any order, since
/// pass 2 sorts each partition by [`PingRecord::total_cmp`].
#[derive(Debug)]
pub struct Partitioned {
    parts: Vec<Vec<PingRecord>>,
    /// Chunks taken over from merged states, per partition (kept apart: concatenating them here
    /// would hold everything twice for a moment).
    merged: Vec<Vec<Vec<PingRecord>>>,
    /// Records of capacity held by `parts` (what memory they take, not just their length).
    held: usize,
    budget: usize,
    spill: Option<Arc<SpillStore>>,
    pings: u64,
}

impl Partitioned {
    /// An empty state that keeps at most `budget_records` records of capacity in memory before
    /// spilling to `spill` (without a store, everything stays in memory).
    pub fn new(budget_records: usize, spill: Option<Arc<SpillStore>>) -> Self {
        Self {
            parts: vec![Vec::new(); PARTITIONS],
            merged: vec![Vec::new(); PARTITIONS],
            held: 0,
            budget: budget_records.max(PARTITIONS),
            spill,
            pings: 0,
        }
    }

    /// Pings added so far.
    pub fn pings(&self) -> u64 {
        self.pings
    }

    /// Bytes spilled to disk so far (by every state sharing the store).
    pub fn spilled_bytes(&self) -> u64 {
        self.spill.as_ref().map_or(0, |s| s.bytes())
    }

    /// Adds a batch of valid pings.
    ///
    /// # Errors
    /// [`FootfallError::Spill`] when the spill file cannot be written.
    pub fn push_batch(&mut self, batch: &PingBatch) -> Result<(), FootfallError> {
        for i in 0..batch.len() {
            let device = batch.device[i].0;
            let part = &mut self.parts[PingRecord::partition_of(device)];
            if part.len() == part.capacity() {
                let before = part.capacity();
                part.reserve(before.max(64));
                self.held += part.capacity() - before;
            }
            part.push(PingRecord {
                device,
                ts: batch.ts[i],
                lon: batch.lon[i],
                lat: batch.lat[i],
            });
        }
        self.pings += batch.len() as u64;
        if self.held > self.budget {
            self.spill_all()?;
        }
        Ok(())
    }

    /// Adds one record (never spills).
    pub fn push(&mut self, r: PingRecord) {
        let part = &mut self.parts[PingRecord::partition_of(r.device)];
        let before = part.capacity();
        part.push(r);
        self.held += part.capacity() - before;
        self.pings += 1;
    }

    fn spill_all(&mut self) -> Result<(), FootfallError> {
        let Some(store) = &self.spill else {
            return Ok(());
        };
        for (p, part) in self.parts.iter_mut().enumerate() {
            store.append(p, part)?;
            *part = Vec::new();
        }
        self.held = 0;
        Ok(())
    }

    /// Merges another state into this one (its records are moved, not copied).
    pub fn merge(&mut self, mut other: Partitioned) {
        for (p, part) in other.parts.iter_mut().enumerate() {
            if !part.is_empty() {
                self.merged[p].push(std::mem::take(part));
            }
        }
        for (a, b) in self.merged.iter_mut().zip(other.merged.iter_mut()) {
            a.append(b);
        }
        self.held += other.held;
        self.pings += other.pings;
    }

    /// Splits into one state per partition (for parallel pass 2), keeping the spill store shared.
    pub fn into_partitions(self) -> Vec<PartitionInput> {
        let spill = self.spill;
        self.parts
            .into_iter()
            .zip(self.merged)
            .enumerate()
            .map(|(p, (recs, mut chunks))| {
                chunks.push(recs);
                PartitionInput {
                    p,
                    chunks,
                    spill: spill.clone(),
                }
            })
            .collect()
    }
}

/// One partition's pings, ready for pass 2.
#[derive(Debug)]
pub struct PartitionInput {
    p: usize,
    chunks: Vec<Vec<PingRecord>>,
    spill: Option<Arc<SpillStore>>,
}

impl PartitionInput {
    /// All pings of the partition, sorted by [`PingRecord::total_cmp`].
    ///
    /// # Errors
    /// [`FootfallError::Spill`] when the spill file cannot be read back.
    pub fn into_sorted(self) -> Result<Vec<PingRecord>, FootfallError> {
        let mut chunks = self.chunks;
        let n = chunks.iter().map(Vec::len).sum();
        let mut recs = match chunks.iter().position(|c| c.capacity() >= n) {
            Some(i) => chunks.swap_remove(i),
            None => Vec::with_capacity(n),
        };
        for c in chunks {
            recs.extend_from_slice(&c);
        }
        if let Some(store) = &self.spill {
            store.take(self.p, &mut recs)?;
        }
        recs.sort_unstable_by(PingRecord::total_cmp);
        Ok(recs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(device: u64, ts: i64) -> PingRecord {
        PingRecord {
            device,
            ts,
            lon: ts as f64 * 1e-3,
            lat: 1.0,
        }
    }

    #[test]
    fn spilled_and_held_records_come_back_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SpillStore::create(dir.path()).unwrap());
        let mut a = Partitioned::new(PARTITIONS, Some(store.clone()));
        let mut batch = PingBatch::default();
        for i in 0..2000u64 {
            let device = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            batch.push(
                crate::DeviceKey(device),
                2000 - i as i64,
                7.0,
                43.0,
                f32::NAN,
                i + 2,
            );
        }
        a.push_batch(&batch).unwrap();
        assert!(store.bytes() > 0, "over budget: spilled");
        let mut total = 0;
        for part in a.into_partitions() {
            let recs = part.into_sorted().unwrap();
            assert!(recs.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()));
            total += recs.len();
        }
        assert_eq!(total, 2000);
    }

    #[test]
    fn records_round_trip_through_bytes() {
        let r = rec(u64::MAX - 3, -5);
        let mut b = Vec::new();
        r.write_to(&mut b);
        assert_eq!(PingRecord::read_from(&b), r);
    }
}
