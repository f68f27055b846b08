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

/// A record may span at most this many lines (quoted newlines); beyond it the quote is taken as
/// unclosed and the file as malformed, so one stray quote cannot swallow the rest of the file.
pub(crate) const MAX_RECORD_LINES: u64 = 1_000;

/// Splits a CSV byte stream into records with exact 1-based line numbers.
///
/// The `csv` crate's positions count CRLF files and skipped blank lines inconsistently, so records
/// are cut here, line by line (a record continues while its quotes are unbalanced, RFC 4180), and
/// fields are split by `csv-core`. A UTF-8 BOM and CR line ends are stripped; a line of only
/// whitespace is blank.
pub(crate) struct RecordSplitter<R> {
    inner: R,
    line: u64,
    raw: Vec<u8>,
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// Kept and reset per record: building its state machine costs more than splitting a row.
    core: csv_core::Reader,
    trailing_blank: u64,
}

/// Why the record stream cannot go on, and the line where the problem starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitError {
    pub line: u64,
    pub message: String,
}

impl<R: std::io::BufRead> RecordSplitter<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self::starting_after(inner, 0)
    }

    /// A splitter over bytes that start on line `line + 1` of a file (a chunk cut at a record
    /// boundary), so its line numbers are the file's.
    pub(crate) fn starting_after(inner: R, line: u64) -> Self {
        Self {
            inner,
            line,
            raw: Vec::new(),
            fields: Vec::new(),
            ends: Vec::new(),
            core: csv_core::Reader::new(),
            trailing_blank: 0,
        }
    }

    /// Blank lines between the last record and the end (once `next_record` returned `Ok(None)`).
    pub(crate) fn trailing_blank_lines(&self) -> u64 {
        self.trailing_blank
    }

    /// Lines consumed so far (the last line of the last record returned).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The byte stream, positioned after the last record returned.
    pub(crate) fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The next record: `(first line, blank lines skipped before it)`; its fields are then in
    /// [`RecordSplitter::field`]. `Ok(None)` at the end; the blank lines after the last record are
    /// then in [`RecordSplitter::trailing_blank_lines`].
    pub(crate) fn next_record(&mut self) -> Result<Option<(u64, u64)>, SplitError> {
        let mut blank = 0;
        self.trailing_blank = 0;
        loop {
            self.raw.clear();
            let read_error = |line: u64, e: std::io::Error| SplitError {
                line,
                message: format!("read error: {e}"),
            };
            let n = self
                .inner
                .read_until(b'\n', &mut self.raw)
                .map_err(|e| read_error(self.line + 1, e))?;
            if n == 0 {
                self.trailing_blank = blank;
                return Ok(None);
            }
            self.line += 1;
            if self.line == 1 && self.raw.starts_with(b"\xEF\xBB\xBF") {
                self.raw.drain(..3);
            }
            if self.raw.iter().all(u8::is_ascii_whitespace) {
                blank += 1;
                continue;
            }
            let first = self.line;
            while self.raw.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
                if self.line - first >= MAX_RECORD_LINES {
                    return Err(SplitError {
                        line: first,
                        message: format!(
                            "a quote opened on line {first} is not closed within {MAX_RECORD_LINES} lines"
                        ),
                    });
                }
                let n = self
                    .inner
                    .read_until(b'\n', &mut self.raw)
                    .map_err(|e| read_error(self.line + 1, e))?;
                if n == 0 {
                    return Err(SplitError {
                        line: first,
                        message: format!("a quote opened on line {first} is never closed"),
                    });
                }
                self.line += 1;
            }
            while matches!(self.raw.last(), Some(b'\n' | b'\r')) {
                self.raw.pop();
            }
            self.split();
            return Ok(Some((first, blank)));
        }
    }

    fn split(&mut self) {
        // Without quotes (or CRs, which csv-core takes as record ends) a record is its commas:
        // split it directly, several times faster than the state machine and the same fields.
        if !self.raw.iter().any(|&b| b == b'"' || b == b'\r') {
            self.fields.clear();
            self.ends.clear();
            for part in self.raw.split(|&b| b == b',') {
                self.fields.extend_from_slice(part);
                self.ends.push(self.fields.len());
            }
            return;
        }
        self.split_quoted();
    }

    fn split_quoted(&mut self) {
        let core = &mut self.core;
        core.reset();
        self.fields.resize(self.raw.len().max(64), 0);
        self.ends.resize(self.raw.len() + 2, 0);
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            let input = &self.raw[nin..];
            let (res, i, o, e) =
                core.read_record(input, &mut self.fields[nout..], &mut self.ends[nend..]);
            // csv-core's field ends count from the start of the record across calls.
            nin += i;
            nout += o;
            nend += e;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {
                    if nin >= self.raw.len() {
                        // Signal the end of input: the record is complete.
                        let (res, _, o, e) =
                            core.read_record(&[], &mut self.fields[nout..], &mut self.ends[nend..]);
                        nout += o;
                        nend += e;
                        debug_assert!(matches!(
                            res,
                            csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End
                        ));
                        break;
                    }
                }
                csv_core::ReadRecordResult::OutputFull => {
                    let l = self.fields.len();
                    self.fields.resize(l * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let l = self.ends.len();
                    self.ends.resize(l * 2, 0);
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            }
        }
        self.ends.truncate(nend);
        self.fields.truncate(nout);
    }

    /// Number of fields of the current record.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` of the current record, as bytes.
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.fields[start..self.ends[i]]
    }

    /// The fields of the current record as text, or `None` when one of them is not UTF-8.
    ///
    /// One UTF-8 check over the whole record, then a char-boundary check per field end: cheaper
    /// than one check per field, and the same answer (the record is valid and cut at char
    /// boundaries exactly when every field is valid).
    pub(crate) fn text_fields(&self) -> Option<TextFields<'_>> {
        let text = std::str::from_utf8(&self.fields).ok()?;
        self.ends
            .iter()
            .all(|&e| text.is_char_boundary(e))
            .then_some(TextFields {
                text,
                ends: &self.ends,
            })
    }
}

/// The fields of one record, all valid UTF-8.
pub(crate) struct TextFields<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl<'a> TextFields<'a> {
    /// Field `i`, or `""` past the last field.
    pub(crate) fn get(&self, i: usize) -> &'a str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end).unwrap_or("")
    }
}

/// A CSV file opened for reading, with the positions of the columns asked for.
pub(crate) struct CsvTable {
    path: PathBuf,
    reader: RecordSplitter<BufReader<File>>,
    header: Vec<String>,
    /// Position in the header of each required then optional column (`None`: optional, absent).
    index: Vec<Option<usize>>,
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
        let mut reader = RecordSplitter::new(BufReader::with_capacity(1 << 20, file));
        let malformed = |line: u64, message: String| InputError::Malformed {
            path: path.to_path_buf(),
            line,
            message,
        };
        let Some(_) = reader
            .next_record()
            .map_err(|e| malformed(e.line, e.message))?
        else {
            return Err(InputError::Empty {
                path: path.to_path_buf(),
                what,
            });
        };
        let header: Vec<String> = (0..reader.len())
            .map(|i| String::from_utf8_lossy(reader.field(i)).trim().to_string())
            .collect();
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
            rows: 0,
        })
    }

    /// The file's header.
    pub(crate) fn header(&self) -> &[String] {
        &self.header
    }

    /// Reads the next row into `row`. Returns `Ok(None)` at the end, else the number of blank
    /// lines skipped before it and, for a row that is not UTF-8 or whose field count differs from
    /// the header's, the reason to reject it (its fields are still filled, lossily decoded).
    pub(crate) fn next_row(
        &mut self,
        row: &mut Row,
    ) -> Result<Option<(u64, Option<RejectReason>)>, InputError> {
        let Some((line, blank)) = self
            .reader
            .next_record()
            .map_err(|e| InputError::Malformed {
                path: self.path.clone(),
                line: e.line,
                message: e.message,
            })?
        else {
            return Ok(None);
        };
        self.rows += 1;
        row.line = line;
        row.fields.clear();
        let mut reason = None;
        for i in 0..self.reader.len() {
            let f = self.reader.field(i);
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
        Ok(Some((blank, reason)))
    }

    /// The field of the `i`-th asked column (required first, then optional), `""` when absent.
    pub(crate) fn get<'r>(&self, row: &'r Row, i: usize) -> &'r str {
        self.index[i]
            .and_then(|p| row.fields.get(p))
            .map_or("", |s| s.as_str())
    }

    /// Position in the header of the `i`-th asked column.
    pub(crate) fn position(&self, i: usize) -> Option<usize> {
        self.index[i]
    }

    /// The record stream, for readers that decode fields from bytes themselves (pings).
    pub(crate) fn splitter_mut(&mut self) -> &mut RecordSplitter<BufReader<File>> {
        &mut self.reader
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
                if let Some((i, keyer)) = device_column
                    && let Some(p) = table.position(i).filter(|&p| p < row.fields.len())
                {
                    row.fields[p] = super::redact_device(keyer, &row.fields[p]);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<(u64, u64, Vec<String>)>, String> {
        let mut s = RecordSplitter::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some((line, blank)) = s.next_record().map_err(|e| e.message)? {
            let f = (0..s.len())
                .map(|i| String::from_utf8_lossy(s.field(i)).into_owned())
                .collect();
            out.push((line, blank, f));
        }
        Ok(out)
    }

    #[test]
    fn quotes_commas_and_newlines() {
        let r = records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n  \n\"two\nlines\",z").unwrap();
        assert_eq!(r[0], (1, 0, vec!["a".into(), "b".into()]));
        assert_eq!(r[1], (2, 0, vec!["x, y".into(), "say \"hi\"".into()]));
        assert_eq!(r[2], (5, 2, vec!["two\nlines".into(), "z".into()]));
    }

    #[test]
    fn plain_records_split_as_csv_core_splits_them() {
        for line in ["a,b,c", "a,,c,", ",", "x", " 1 , 2 ", "a\tb;c,d", "é,ü"] {
            let mut fast = RecordSplitter::new(line.as_bytes());
            fast.next_record().unwrap();
            let mut core = RecordSplitter::new(line.as_bytes());
            core.raw = line.as_bytes().to_vec();
            core.split_quoted();
            let fields = |s: &RecordSplitter<&[u8]>| {
                (0..s.len())
                    .map(|i| s.field(i).to_vec())
                    .collect::<Vec<_>>()
            };
            assert_eq!(fields(&fast), fields(&core), "{line:?}");
        }
    }

    #[test]
    fn bom_and_empty_fields() {
        let r = records("\u{feff}id,v\n1,\n,\n").unwrap();
        assert_eq!(r[0].2, ["id", "v"]);
        assert_eq!(r[1].2, ["1", ""]);
        assert_eq!(r[2].2, ["", ""]);
    }

    #[test]
    fn unclosed_quote_is_an_error_not_a_swallowed_file() {
        let err = records("a,b\n\"open,1\n2,3\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let many: String = std::iter::once("a\n\"x\n".to_string())
            .chain((0..2000).map(|i| format!("{i}\n")))
            .collect::<String>()
            + "\"\n";
        assert!(records(&many).unwrap_err().contains("not closed within"));
    }
}
