//! Times decoding a pings file end to end, sequentially or with `PingReader::par_fold`, and can
//! write a file shaped like the peer benchmark's (`bench/peers/gen_data.py`: `device_id` u64 of 63
//! random bits, `lon`, `lat` f64 rounded to 7 decimals, `ts` i64 in time order; Parquet with snappy
//! and 1 Mi-row row groups, CSV as pyarrow writes it).
//!
//! ```sh
//! cargo run --release --example decode_pings -- gen /tmp/peer 2000000
//! cargo run --release --example decode_pings -- /tmp/peer/peer.parquet par 2
//! ```
//! Run it under `/usr/bin/time` to see the CPU time as well as the wall time printed.

use catchment::input::{PingReader, ReadOptions};
use rand::{Rng, SeedableRng};
use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen", dir, n] => generate(Path::new(dir), n.parse()?),
        [file, mode, ref rest @ ..] => {
            let threads = rest.first().map_or(Ok(0), |t| t.parse())?;
            decode(Path::new(file), mode == "par", threads)
        }
        _ => Err("usage: decode_pings gen DIR N | decode_pings FILE seq|par [THREADS]".into()),
    }
}

fn decode(path: &Path, parallel: bool, threads: usize) -> Result<(), Box<dyn Error>> {
    let area = geo::Rect::new(
        geo::coord! { x: 103.8, y: 30.4 },
        geo::coord! { x: 104.3, y: 30.9 },
    );
    let opts =
        ReadOptions::new("peer", jiff::tz::TimeZone::get("Asia/Shanghai")?).with_study_area(area);
    let start = Instant::now();
    let mut reader = PingReader::open(path, None, &opts)?;
    let valid: usize = if parallel {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        pool.install(|| reader.par_fold(|| 0usize, |n, batch| *n += batch.len()))?
            .iter()
            .sum()
    } else {
        let mut n = 0;
        for batch in &mut reader {
            n += batch?.len();
        }
        n
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}: {} rows, {valid} valid, {} rejected in {secs:.3} s wall: {:.1} ns/ping, {:.2} M pings/s",
        path.display(),
        reader.rows(),
        reader.rejects().total(),
        secs * 1e9 / reader.rows().max(1) as f64,
        reader.rows() as f64 / secs / 1e6,
    );
    Ok(())
}

fn generate(dir: &Path, n: usize) -> Result<(), Box<dyn Error>> {
    use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, UInt64Array};
    std::fs::create_dir_all(dir)?;
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let ids: Vec<u64> = (0..200_000)
        .map(|_| rng.random_range(1..i64::MAX as u64))
        .collect();
    let round7 = |v: f64| (v * 1e7).round() / 1e7;
    let mut ts: Vec<i64> = (0..n)
        .map(|_| 1_780_000_000 + rng.random_range(0..7 * 86_400))
        .collect();
    ts.sort_unstable();
    let dev: Vec<u64> = (0..n)
        .map(|_| ids[rng.random_range(0..ids.len())])
        .collect();
    let lon: Vec<f64> = (0..n)
        .map(|_| round7(104.06 + rng.random_range(-0.15..0.15)))
        .collect();
    let lat: Vec<f64> = (0..n)
        .map(|_| round7(30.66 + rng.random_range(-0.13..0.13)))
        .collect();
    let mut csv = std::io::BufWriter::new(std::fs::File::create(dir.join("peer.csv"))?);
    writeln!(csv, "\"device_id\",\"lon\",\"lat\",\"ts\"")?;
    for i in 0..n {
        writeln!(csv, "{},{},{},{}", dev[i], lon[i], lat[i], ts[i])?;
    }
    csv.flush()?;
    let batch = RecordBatch::try_from_iter([
        ("device_id", Arc::new(UInt64Array::from(dev)) as ArrayRef),
        ("lon", Arc::new(Float64Array::from(lon)) as ArrayRef),
        ("lat", Arc::new(Float64Array::from(lat)) as ArrayRef),
        ("ts", Arc::new(Int64Array::from(ts)) as ArrayRef),
    ])?;
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1 << 20))
        .build();
    let file = std::fs::File::create(dir.join("peer.parquet"))?;
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props))?;
    w.write(&batch)?;
    w.close()?;
    println!("wrote {n} pings to {}", dir.display());
    Ok(())
}
