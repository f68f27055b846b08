//! Row-by-row CSV reading with header mapping, line numbers, blank-line counting and UTF-8 checks.

use super::{InputError, RejectReason};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// How the study renames columns: default name → name in the file.
pub type ColumnMap = HashMap<String, String>;

/// The columns an input reads: required ones must exist, optional ones may.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns<'a> {
    pub required: &'a [&'a str],
    pub optional: &'a [&'a str],
}

/// One data row: its 1-based line and its fields (all header columns, in header order).
#[derive(Debug, Default)]
pub(crate) struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

/// A CSV file opened for reading, with the positions of the columns asked for.
pub(crate) struct CsvTable {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    header: Vec<String>,
    /// Position in the header of each required then optional column (`None`: optional, absent).
    index: Vec<Option<usize>>,
    record: csv::ByteRecord,
    last_line: u64,
    last_extra_newlines: u64,
    pub rows: u64,
}

impl CsvTable {
    /// Opens `path` and resolves `columns` (renamed through `map`) against its header.
    pub(crate) fn open(
        path: &Path,
        what: &'static str,
        columns: Columns<'_>,
        map: &ColumnMap,
    ) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|source| InputError::Open {
            path: path.to_path_buf(),
            what,
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 20, file));
        let malformed = |e: csv::Error| InputError::Malformed {
            path: path.to_path_buf(),
            line: e.position().map_or(1, |p| p.line()),
            message: e.to_string(),
        };
        let header: Vec<String> = reader
            .byte_headers()
            .map_err(malformed)?
            .iter()
            .map(|h| String::from_utf8_lossy(h).trim().to_string())
            .collect();
        if header.iter().all(|h| h.is_empty()) {
            return Err(InputError::Empty {
                path: path.to_path_buf(),
                what,
            });
        }
        let find = |name: &str| {
            let wanted = map.get(name).map_or(name, String::as_str);
            header
                .iter()
                .position(|h| h == wanted)
                .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(wanted)))
        };
        let mut index = Vec::new();
        for &c in columns.required {
            match find(c) {
                Some(i) => index.push(Some(i)),
                None => {
                    return Err(InputError::MissingColumn {
                        path: path.to_path_buf(),
                        column: map.get(c).cloned().unwrap_or_else(|| c.to_string()),
                        default: c.to_string(),
                        found: header.join(", "),
                    });
                }
            }
        }
        index.extend(columns.optional.iter().map(|c| find(c)));
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            header,
            index,
            record: csv::ByteRecord::new(),
            last_line: 1,
            last_extra_newlines: 0,
            rows: 0,
        })
    }

    /// The file's header.
    pub(crate) fn header(&self) -> &[String] {
        &self.header
    }

    /// Reads the next row into `row`. Returns `Ok(None)` at the end, `Ok(Some(blank))` with the
    /// number of blank lines skipped before it, or a row-level reject in `Err(Ok(..))`.
    ///
    /// A row whose fields do not match the header count, or that is not UTF-8, comes back as a
    /// reject with its raw fields (lossily decoded) so it can be written out.
    pub(crate) fn next_row(
        &mut self,
        row: &mut Row,
    ) -> Result<Option<(u64, Option<RejectReason>)>, InputError> {
        let mut blank = 0;
        loop {
            let more = self.reader.read_byte_record(&mut self.record).map_err(|e| InputError::Malformed {
                path: self.path.clone(),
                line: e.position().map_or(self.last_line + 1, |p| p.line()),
                message: e.to_string(),
            })?;
            if !more {
                return Ok(None);
            }
            let line = self.record.position().map_or(self.last_line + 1, |p| p.line());
            // csv skips empty lines silently; the gap in line numbers (less the newlines inside
            // the previous record's quoted fields) is the number of blank lines skipped.
            blank += line.saturating_sub(self.last_line + 1 + self.last_extra_newlines);
            self.last_line = line;
            self.last_extra_newlines = self
                .record
                .iter()
                .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
                .sum();
            if self.record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                // A line of spaces (or of empty separators only) is blank too.
                if self.record.len() <= 1 {
                    blank += 1;
                    continue;
                }
            }
            self.rows += 1;
            row.line = line;
            row.fields.clear();
            let mut reason = None;
            for f in self.record.iter() {
                match std::str::from_utf8(f) {
                    Ok(s) => row.fields.push(s.to_string()),
                    Err(_) => {
                        reason = Some(RejectReason::NotUtf8);
                        row.fields.push(String::from_utf8_lossy(f).into_owned());
                    }
                }
            }
            if reason.is_none() && row.fields.len() != self.header.len() {
                reason = Some(RejectReason::FieldCount {
                    expected: self.header.len(),
                    found: row.fields.len(),
                });
            }
            return Ok(Some((blank, reason)));
        }
    }

    /// The field of the `i`-th asked column (required first, then optional), `""` when absent.
    pub(crate) fn get<'r>(&self, row: &'r Row, i: usize) -> &'r str {
        self.index[i].and_then(|p| row.fields.get(p)).map_or("", |s| s.as_str())
    }

    /// Position in the header of the `i`-th asked column.
    pub(crate) fn position(&self, i: usize) -> Option<usize> {
        self.index[i]
    }
}

/// Reads every row of a small CSV input (branches, POIs, devices, campaigns) through `parse`,
/// logging rejects. `device_column` (an asked-column index) is replaced by its key in rejects.
pub(crate) fn read_all<T>(
    path: &Path,
    what: &'static str,
    columns: Columns<'_>,
    map: &ColumnMap,
    device_column: Option<(usize, &crate::privacy::DeviceKeyer)>,
    mut parse: impl FnMut(&CsvTable, &Row) -> Result<T, RejectReason>,
) -> Result<super::Loaded<T>, InputError> {
    let mut table = CsvTable::open(path, what, columns, map)?;
    let mut rejects = super::RejectLog::new(what, table.header().to_vec());
    let mut records = Vec::new();
    let mut row = Row::default();
    while let Some((blank, bad)) = table.next_row(&mut row)? {
        (0..blank).for_each(|_| rejects.blank_line());
        let result = match bad {
            Some(reason) => Err(reason),
            None => parse(&table, &row),
        };
        match result {
            Ok(r) => records.push(r),
            Err(reason) => {
                if let Some((i, keyer)) = device_column {
                    if let Some(p) = table.position(i).filter(|&p| p < row.fields.len()) {
                        row.fields[p] = super::redact_device(keyer, &row.fields[p]);
                    }
                }
                rejects.push(super::Reject {
                    line: row.line,
                    reason,
                    row: std::mem::take(&mut row.fields),
                });
            }
        }
    }
    if table.rows == 0 {
        return Err(InputError::Empty {
            path: path.to_path_buf(),
            what,
        });
    }
    Ok(super::Loaded {
        path: path.to_path_buf(),
        rows: table.rows,
        records,
        rejects,
    })
}
