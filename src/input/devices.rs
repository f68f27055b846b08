//! Devices: the bank's matching of device ids to customer tiers and descriptive tags.

use super::csv_table::{Columns, read_all};
use super::{Device, InputError, Loaded, ReadOptions, RejectReason, non_empty};
use std::collections::HashMap;
use std::path::Path;

/// Reads devices (`device_id[, tier][, age_band, gender, tags]`); ids are keyed on read.
///
/// An empty `tier` means "not a customer". When the study lists its tiers, any other tier is
/// rejected. `tags` is `;`-separated. A second row for the same device is rejected (the first
/// wins). Rejected rows show the device's key, never its raw id.
///
/// # Errors
/// An [`InputError`] when the file is missing, lacks `device_id`, is malformed or empty.
///
/// # Example
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use catchment::input::{read_devices, ReadOptions};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("devices.csv");
/// std::fs::write(&path, "device_id,tier,tags\na,affluent,golf;travel\nb,,\na,mass,\n")?;
/// let read = read_devices(&path, &ReadOptions::new("salt", jiff::tz::TimeZone::UTC))?;
/// assert_eq!(read.records.len(), 2);
/// assert_eq!(read.records[0].tags, ["golf", "travel"]);
/// assert_eq!(read.records[1].tier, None);
/// assert_eq!(read.rejects.total(), 1); // the second "a"
/// # Ok(()) }
/// ```
pub fn read_devices(path: &Path, opts: &ReadOptions) -> Result<Loaded<Device>, InputError> {
    const COLS: Columns<'static> = Columns {
        required: &["device_id"],
        optional: &["tier", "age_band", "gender", "tags"],
    };
    let mut seen = HashMap::new();
    let keyer = opts.keyer;
    read_all(
        path,
        "devices",
        COLS,
        &opts.columns,
        Some((0, &keyer)),
        |t, row| {
            let raw = t.get(row, 0);
            if raw.trim().is_empty() {
                return Err(RejectReason::EmptyDeviceId);
            }
            let key = keyer.key(raw);
            if let Some(&first_line) = seen.get(&key) {
                return Err(RejectReason::Duplicate {
                    column: "device_id".into(),
                    value: key.to_string(),
                    first_line,
                });
            }
            let tier = non_empty(t.get(row, 1));
            if let (Some(tier), Some(allowed)) = (&tier, &opts.tiers)
                && !allowed.contains(tier)
            {
                return Err(RejectReason::BadValue {
                    column: "tier".into(),
                    value: tier.clone(),
                    expected: format!("one of the study's tiers ({}) or empty", allowed.join(", ")),
                });
            }
            seen.insert(key, row.line);
            Ok(Device {
                key,
                tier,
                age_band: non_empty(t.get(row, 2)),
                gender: non_empty(t.get(row, 3)),
                tags: t.get(row, 4).split(';').filter_map(non_empty).collect(),
            })
        },
    )
}
