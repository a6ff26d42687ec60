//! A batch file's JSON answer computed and encoded on every core.
//!
//! The file is read whole and cut at line ends into parts of about equal size.
//! Each part is read, checked and computed by the same code as a whole-file run
//! ([`super::read_batch`]), the parts taken in turn by one thread per core. Only
//! once every row is computed (the contract: nothing reaches stdout before) are
//! the parts encoded, the same way, and written in order as each is ready.
//!
//! A bad row anywhere, or a file that cannot be read, hands the file back to the
//! one-thread path, so that what is reported (the first bad row, with its line
//! and byte) is exactly what a one-thread run reports.

use std::io::{self, Read, Write};
use std::num::NonZero;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::thread;

use super::json::{Figures, JsonArray};
use super::{Settings, json_row, read_batch, write_failed};
use crate::error::CliError;
use crewdeck_core::staffing::Detail;

/// Input below this size per thread is computed on fewer threads: starting a
/// thread costs more than the rows it would take.
const MIN_BYTES_PER_THREAD: usize = 64 << 10;

/// Parts per thread. Rows differ in cost (a larger queue's search runs longer,
/// and files often list queues in order of size), so several smaller parts
/// taken in turn keep every thread busy to the end.
const PARTS_PER_THREAD: usize = 4;

/// Read ahead of every part but the first, so that the reader holds each row to
/// three fields, as it does reading the whole file behind its own header.
const HEADER: &[u8] = b"interval_start,volume,aht_seconds\n";

/// The computed rows of one part, held compactly until every part is done.
struct Part {
    /// The rows' start times, one after another.
    starts: String,
    /// Where each row's start time ends in `starts`.
    ends: Vec<usize>,
    figures: Vec<Figures>,
}

/// Computes the batch file at `path` and writes its JSON array, and the
/// newline that ends it, to `out`.
///
/// Returns `false`, having written nothing, when the file cannot be read or
/// holds a bad row: the caller then runs the one-thread path, which reports it.
pub(super) fn write_json(path: &Path, settings: &Settings, out: &mut impl Write) -> Result<bool, CliError> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(false);
    };
    let cores = thread::available_parallelism().map_or(1, NonZero::get);
    let threads = cores.min(bytes.len() / MIN_BYTES_PER_THREAD).max(1);
    let parts_wanted = if threads == 1 { 1 } else { threads * PARTS_PER_THREAD };
    let cuts = cuts(&bytes, parts_wanted);
    let Some(parts) = compute(&bytes, &cuts, path, settings, threads) else {
        return Ok(false);
    };
    encode(&parts, threads, out).and_then(|()| out.write_all(b"\n")).map_err(write_failed)?;
    Ok(true)
}

/// Where to cut `bytes` into about `parts` pieces: the offsets of the pieces'
/// starts, then the end. Only just after a line end, and only before the
/// first quote, as a quoted field may hold a line end; a file with a quote
/// early on is therefore cut less, or not at all.
fn cuts(bytes: &[u8], parts: usize) -> Vec<usize> {
    let cuts = cuts_before(bytes, parts, bytes.len());
    // The usual file has no quote at all: one fast search (`contains` on bytes
    // is a word-at-a-time search) confirms it without finding where one is.
    let last_cut = cuts[cuts.len().saturating_sub(2)];
    if !bytes[..last_cut].contains(&b'"') {
        return cuts;
    }
    let first_quote = bytes.iter().position(|&b| b == b'"').unwrap_or(bytes.len());
    cuts_before(bytes, parts, first_quote)
}

/// As [`cuts`], cutting only before offset `safe`.
fn cuts_before(bytes: &[u8], parts: usize, safe: usize) -> Vec<usize> {
    let size = bytes.len() / parts.max(1);
    let mut cuts = vec![0];
    for k in 1..parts {
        let from = (k * size).max(cuts[cuts.len() - 1]);
        let Some(at) = bytes.get(from..safe).and_then(|rest| rest.iter().position(|&b| b == b'\n')) else {
            break;
        };
        let cut = from + at + 1;
        if cut < bytes.len() && cut > cuts[cuts.len() - 1] {
            cuts.push(cut);
        }
    }
    cuts.push(bytes.len());
    cuts
}

/// Computes every part, `threads` at a time (the calling thread is one); `None`
/// as soon as any part holds a bad row.
fn compute(bytes: &[u8], cuts: &[usize], path: &Path, settings: &Settings, threads: usize) -> Option<Vec<Part>> {
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
            match compute_part(bytes, cuts[index], cuts[index + 1], path, settings) {
                Some(part) => done.push((index, part)),
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
    Some(done.into_iter().map(|(_, part)| part).collect())
}

/// Reads and computes the rows in `bytes[begin..end]`; `None` on a bad row.
fn compute_part(bytes: &[u8], begin: usize, end: usize, path: &Path, settings: &Settings) -> Option<Part> {
    let body = &bytes[begin..end];
    // Room for as many rows as the part could hold (a valid row takes some 20
    // bytes or more, such as `2026-01-05T09:00Z,1,1`): reserved but untouched
    // memory costs nothing, and the lists are then never regrown and copied.
    let rows = body.len() / 20 + 1;
    let mut part = Part {
        starts: String::with_capacity(body.len()),
        ends: Vec::with_capacity(rows),
        figures: Vec::with_capacity(rows),
    };
    let keep = |start: &str, row: super::Row| {
        part.starts.push_str(start);
        part.ends.push(part.starts.len());
        part.figures.push(Figures::keep(&json_row(&row)));
    };
    let builder = csv::ReaderBuilder::new();
    let file = path.display();
    let outcome = if begin == 0 {
        read_batch(builder.from_reader(body), &file, settings, Detail::Figures, keep)
    } else {
        read_batch(builder.from_reader(HEADER.chain(body)), &file, settings, Detail::Figures, keep)
    };
    outcome.ok().map(|()| part)
}

/// Rows per encoded piece: about 60 KiB of JSON, so that a few pieces in
/// flight, their buffers reused, stand in for a 10 MB answer in memory (fresh
/// pages cost a fault each).
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

/// Encodes the rows in pieces, `threads` at a time (the calling thread is one),
/// and writes each piece to `out` in order as soon as it and those before it
/// are ready; written buffers are reused for later pieces.
fn encode(parts: &[Part], threads: usize, out: &mut impl Write) -> io::Result<()> {
    let pieces: Vec<(&Part, usize, usize)> = parts
        .iter()
        .flat_map(|part| {
            (0..part.figures.len())
                .step_by(PIECE_ROWS)
                .map(move |first| (part, first, (first + PIECE_ROWS).min(part.figures.len())))
        })
        .collect();
    let count = pieces.len();
    if count == 0 {
        return out.write_all(&JsonArray::with_capacity(2).finish());
    }
    let free = Mutex::new(Vec::new());
    let take_buffer =
        || free.lock().ok().and_then(|mut free| free.pop()).unwrap_or_else(|| Vec::with_capacity(PIECE_BYTES));
    let encode_piece = |index: usize, buffer: Vec<u8>| {
        let (part, first, end) = pieces[index];
        let mut array = JsonArray::part(buffer, index > 0);
        let mut begin = first.checked_sub(1).map_or(0, |before| part.ends[before]);
        for (&end, kept) in part.ends[first..end].iter().zip(&part.figures[first..end]) {
            array.push(&kept.row(&part.starts[begin..end]));
            begin = end;
        }
        if index + 1 == count { array.finish() } else { array.into_bytes() }
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
                ready[index] = Some(bytes);
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
                ready[index] = Some(encode_piece(index, take_buffer()));
            } else {
                let (index, bytes) =
                    receiver.recv().map_err(|_| io::Error::other("an encoding thread stopped early"))?;
                ready[index] = Some(bytes);
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
        let text = b"interval_start,volume,aht_seconds\na,1,2\nb,3,4\nc,5,6\n";
        for parts in 1..8 {
            let cuts = cuts(text, parts);
            assert_eq!((cuts[0], cuts[cuts.len() - 1]), (0, text.len()));
            assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{cuts:?}");
            assert!(cuts[1..cuts.len() - 1].iter().all(|&c| text[c - 1] == b'\n'), "{cuts:?}");
        }
        // Half of 52 bytes is 26, inside the header: the cut is at its end.
        assert_eq!(cuts(text, 2), vec![0, 34, text.len()]);
    }

    #[test]
    fn no_cut_after_a_quote() {
        // A quote in the header: no cut at all.
        let text = b"\"interval_start\",volume,aht_seconds\na\nb,1,2\nc,3,4\nd,5,6\ne,7,8\n";
        assert_eq!(cuts(text, 4), vec![0, text.len()]);
        // A quoted line end in the first row: the only cut is before it.
        let text = b"interval_start,volume,aht_seconds\n\"a\nb\",1,2\nc,3,4\nd,5,6\ne,7,8\n";
        assert_eq!(cuts(text, 4), vec![0, 34, text.len()]);
        assert_eq!(cuts(b"", 4), vec![0, 0]);
        assert_eq!(cuts(b"no line end", 4), vec![0, 11]);
        // A quote late in the file leaves the cuts before it.
        let late = b"interval_start,volume,aht_seconds\na,1,2\nb,3,4\nc,5,6\n\"d\",7,8\n";
        let quote = late.iter().position(|&b| b == b'"').unwrap_or(0);
        let cuts = cuts(late, 3);
        assert!(cuts.len() > 2, "{cuts:?}");
        assert!(cuts[1..cuts.len() - 1].iter().all(|&c| c <= quote), "{cuts:?}");
    }
}
