//! A batch file's JSON answer checked, computed, encoded and written on every
//! core.
//!
//! Two passes over the file, read whole. The first checks every row, the file
//! cut at line ends into parts that one thread per core takes in turn, and
//! notes where each piece of [`PIECE_ROWS`] rows begins. Only when every row
//! has passed (the contract: bad input never leaves part of an answer behind)
//! does the second pass compute and encode the pieces, again on every core,
//! writing each as soon as it and those before it are ready. Nothing is held
//! between the passes but where the pieces begin: holding 33,600 computed
//! rows, let alone their 10 MB of text, costs a page fault per 4 KiB of fresh
//! memory, which is more than reading the rows twice.
//!
//! Only a plain file under Erlang C takes this path: the exact header, no
//! quotes, no carriage returns and UTF-8 throughout, so that a line is a row
//! and a comma ends a field, and a model whose computation cannot fail once a
//! row has been read. Anything else, and any bad row, goes to the one-thread
//! path, which reports the first bad row, with its line and byte, exactly as a
//! one-thread run always has.

use std::io::{self, Write};
use std::num::NonZero;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::thread;

use super::json::{JsonArray, JsonRow};
use super::{Settings, compute, json_row, read_load, read_row, trimmed, write_failed};
use crate::error::CliError;
use crewdeck_core::staffing::{Detail, Model};

/// Input below this size per thread is handled on fewer threads: starting a
/// thread costs more than the rows it would take.
const MIN_BYTES_PER_THREAD: usize = 64 << 10;

/// Parts per thread in the checking pass. Several smaller parts taken in turn
/// keep every thread busy to the end when one is slowed down.
const PARTS_PER_THREAD: usize = 4;

/// The one header line a plain file starts with.
const HEADER: &[u8] = b"interval_start,volume,aht_seconds";

/// Computes the batch file at `path` and writes its JSON array, and the
/// newline that ends it, to `out`.
///
/// Returns `false`, having written nothing, when the file cannot be read, is
/// not plain, holds a bad row or asks for Erlang A: the caller then runs the
/// one-thread path, which answers or reports.
pub(super) fn write_json(path: &Path, settings: &Settings, out: &mut impl Write) -> Result<bool, CliError> {
    if !matches!(settings.model, Model::ErlangC) {
        return Ok(false);
    }
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(false);
    };
    let Some(text) = plain_rows(&bytes) else {
        return Ok(false);
    };
    let cores = thread::available_parallelism().map_or(1, NonZero::get);
    let threads = cores.min(text.len() / MIN_BYTES_PER_THREAD).max(1);
    let parts_wanted = if threads == 1 { 1 } else { threads * PARTS_PER_THREAD };
    let Some(pieces) = check(text, &cuts(text, parts_wanted), settings, threads) else {
        return Ok(false);
    };
    encode(text, &pieces, settings, threads, out).and_then(|()| out.write_all(b"\n")).map_err(write_failed)?;
    Ok(true)
}

/// The rows of a plain batch file (everything after its header line), or
/// `None` when the file is not plain.
fn plain_rows(bytes: &[u8]) -> Option<&str> {
    let rest = bytes.strip_prefix(HEADER)?;
    let rest = match rest.split_first() {
        None => rest,
        Some((b'\n', rest)) => rest,
        Some(_) => return None,
    };
    // `contains` on bytes searches a word at a time.
    if rest.contains(&b'"') || rest.contains(&b'\r') {
        return None;
    }
    std::str::from_utf8(rest).ok()
}

/// Where to cut `text` into about `parts` parts, each just after a line end:
/// the offsets of the parts' starts, then the end.
fn cuts(text: &str, parts: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let size = bytes.len() / parts.max(1);
    let mut cuts = vec![0];
    for k in 1..parts {
        let last = cuts[cuts.len() - 1];
        let from = (k * size).max(last);
        let Some(at) = bytes.get(from..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) else {
            break;
        };
        let cut = from + at + 1;
        if cut < bytes.len() && cut > last {
            cuts.push(cut);
        }
    }
    cuts.push(bytes.len());
    cuts
}

/// The rows of `text`: each non-empty line's offset and its three fields, or
/// `None` for fields when the line holds more or fewer. Empty lines are
/// skipped, as the CSV reader skips them.
///
/// One pass over the bytes: a line is some thirty bytes, too short for a
/// vectorised search per field to pay for starting (three such searches a
/// line were a fifth of a batch's instructions).
fn rows(text: &str) -> impl Iterator<Item = (usize, Option<[&str; 3]>)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let begin = at;
            let (mut commas, mut found) = ([begin; 2], 0);
            while at < bytes.len() && bytes[at] != b'\n' {
                if bytes[at] == b',' {
                    if let Some(comma) = commas.get_mut(found) {
                        *comma = at;
                    }
                    found += 1;
                }
                at += 1;
            }
            let end = at;
            at += 1;
            if end == begin {
                continue;
            }
            // Cut at ASCII bytes only, so every slice is on a character boundary.
            let field = |range: Range<usize>| text.get(range).unwrap_or_default();
            let fields = (found == 2)
                .then(|| [field(begin..commas[0]), field(commas[0] + 1..commas[1]), field(commas[1] + 1..end)]);
            return Some((begin, fields));
        }
        None
    })
}

/// Checks every row, `threads` at a time (the calling thread is one); returns
/// the byte ranges of the pieces in order, or `None` as soon as any row is bad.
fn check(text: &str, cuts: &[usize], settings: &Settings, threads: usize) -> Option<Vec<Range<usize>>> {
    let count = cuts.len() - 1;
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                break;
            }
            match check_part(text, cuts[index]..cuts[index + 1], settings) {
                Some(starts) => done.push((index, starts)),
                None => failed.store(true, Ordering::Relaxed),
            }
        }
        done
    };
    let mut done = thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    if failed.into_inner() {
        return None;
    }
    done.sort_unstable_by_key(|&(index, _)| index);
    let starts: Vec<usize> = done.into_iter().flat_map(|(_, starts)| starts).collect();
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    Some(starts.iter().zip(ends).map(|(&start, end)| start..end).collect())
}

/// Checks the rows in `text[part]`; returns where each piece among them
/// begins, or `None` at the first bad row.
fn check_part(text: &str, part: Range<usize>, settings: &Settings) -> Option<Vec<usize>> {
    let begin = part.start;
    let mut starts = Vec::new();
    for (row, (offset, fields)) in rows(text.get(part).unwrap_or_default()).enumerate() {
        read_row(fields?, settings).ok()?;
        if row % PIECE_ROWS == 0 {
            starts.push(begin + offset);
        }
    }
    Some(starts)
}

/// Rows per encoded piece: about 60 KiB of JSON, so that a few pieces in
/// flight, their buffers reused, stand in for a 10 MB answer in memory.
const PIECE_ROWS: usize = 192;

/// Encoded pieces a helper may finish ahead of the writer before it waits.
const PIECES_AHEAD: usize = 4;

/// How far past the next piece to write the writer itself encodes. Without a
/// bound, a helper held up on the piece to write next (a busy machine takes
/// its core away) would let the writer encode the rest of the answer into
/// fresh buffers, megabytes of new pages, while it waits.
const WRITER_AHEAD: usize = 8;

/// Room for a piece's JSON: a row takes about 310 bytes, so a buffer never
/// grows (and is copied) while a piece is encoded into it.
const PIECE_BYTES: usize = PIECE_ROWS * 384;

/// Computes and encodes the checked `pieces` of `text`, `threads` at a time
/// (the calling thread is one), and writes each to `out` in order as soon as
/// it and those before it are ready; written buffers are reused.
fn encode(
    text: &str,
    pieces: &[Range<usize>],
    settings: &Settings,
    threads: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let count = pieces.len();
    if count == 0 {
        return out.write_all(&JsonArray::with_capacity(2).finish());
    }
    let free = Mutex::new(Vec::new());
    let take_buffer =
        || free.lock().ok().and_then(|mut free| free.pop()).unwrap_or_else(|| Vec::with_capacity(PIECE_BYTES));
    let encode_piece = |index: usize, buffer: Vec<u8>| -> io::Result<Vec<u8>> {
        let mut array = JsonArray::part(buffer, index > 0);
        // Every row passed the first pass, so none of this can fail; if it
        // did, the answer would be wrong, so it stops rather than skips.
        let unchecked = || io::Error::other("a batch row changed between checking and computing it");
        for (_, fields) in rows(text.get(pieces[index].clone()).unwrap_or_default()) {
            let [start, volume, aht] = fields.ok_or_else(unchecked)?;
            // The start time was checked in the first pass: only the load is read again.
            let (volume, aht, load) = read_load(volume, aht, settings).map_err(|_| unchecked())?;
            let row = compute(None, volume, aht, load, settings, Detail::Figures).map_err(|_| unchecked())?;
            array.push(&JsonRow { interval_start: Some(trimmed(start)), ..json_row(&row) });
        }
        Ok(if index + 1 == count { array.finish() } else { array.into_bytes() })
    };
    let next = AtomicUsize::new(0);
    thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel(PIECES_AHEAD);
        for _ in 1..threads {
            let sender = sender.clone();
            let (next, encode_piece, take_buffer) = (&next, &encode_piece, &take_buffer);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    // A failed send means the writer gave up (a write error).
                    if index >= count || sender.send((index, encode_piece(index, take_buffer()))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut ready: Vec<Option<Vec<u8>>> = (0..count).map(|_| None).collect();
        let mut written = 0;
        while written < count {
            for (index, bytes) in receiver.try_iter() {
                ready[index] = Some(bytes?);
            }
            if let Some(bytes) = ready[written].take() {
                out.write_all(&bytes)?;
                if let Ok(mut free) = free.lock() {
                    free.push(bytes);
                }
                written += 1;
                continue;
            }
            // The next piece is not ready: encode one here while any are left
            // close enough, otherwise wait for a helper's.
            let index = if next.load(Ordering::Relaxed) < written + WRITER_AHEAD {
                next.fetch_add(1, Ordering::Relaxed)
            } else {
                count
            };
            if index < count {
                ready[index] = Some(encode_piece(index, take_buffer())?);
            } else {
                let (index, bytes) =
                    receiver.recv().map_err(|_| io::Error::other("an encoding thread stopped early"))?;
                ready[index] = Some(bytes?);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_just_after_line_ends() {
        let text = "a,1,2\nb,3,4\nc,5,6\nd,7,8\n";
        for parts in 1..8 {
            let cuts = cuts(text, parts);
            assert_eq!((cuts[0], cuts[cuts.len() - 1]), (0, text.len()));
            assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{cuts:?}");
            assert!(cuts[1..cuts.len() - 1].iter().all(|&c| text.as_bytes()[c - 1] == b'\n'), "{cuts:?}");
        }
        // Half of 24 bytes is 12: the cut falls at the end of the line holding byte 12.
        assert_eq!(cuts(text, 2), vec![0, 18, text.len()]);
        assert_eq!(cuts("", 4), vec![0, 0]);
        assert_eq!(cuts("no line end", 4), vec![0, 11]);
    }

    #[test]
    fn only_a_plain_file_is_taken() {
        fn rows(text: &str) -> Option<&str> {
            plain_rows(text.as_bytes())
        }
        assert_eq!(rows("interval_start,volume,aht_seconds\na,1,2\n"), Some("a,1,2\n"));
        assert_eq!(rows("interval_start,volume,aht_seconds"), Some(""));
        assert_eq!(rows("interval_start,volume,aht_seconds\n"), Some(""));
        for text in [
            "interval_start, volume,aht_seconds\na,1,2\n",
            "\u{feff}interval_start,volume,aht_seconds\na,1,2\n",
            "interval_start,volume,aht_seconds\r\na,1,2\r\n",
            "interval_start,volume,aht_seconds\n\"a\",1,2\n",
            "interval_start,volume,aht_seconds,extra\na,1,2\n",
            "volume,interval_start,aht_seconds\na,1,2\n",
        ] {
            assert_eq!(rows(text), None, "{text:?}");
        }
        assert_eq!(plain_rows(b"interval_start,volume,aht_seconds\n\xff,1,2\n"), None);
    }

    #[test]
    fn a_line_is_a_row_of_exactly_three_fields() {
        fn all(text: &str) -> Vec<(usize, Option<[&str; 3]>)> {
            rows(text).collect()
        }
        assert_eq!(all("a,1,2"), vec![(0, Some(["a", "1", "2"]))]);
        assert_eq!(all(" a , 1 ,2 \n"), vec![(0, Some([" a ", " 1 ", "2 "]))]);
        assert_eq!(all(",,"), vec![(0, Some(["", "", ""]))]);
        for line in ["a,1", "a", "a,1,2,", "a,1,2,3", " "] {
            assert_eq!(all(line), vec![(0, None)], "{line}");
        }
        assert_eq!(all("\na,1,2\n\n\u{e9},3,4\n\n"), vec![(1, Some(["a", "1", "2"])), (8, Some(["\u{e9}", "3", "4"]))]);
        assert_eq!(all(""), vec![]);
    }
}
