//! A streaming reader of `multipart/form-data` bodies, so an uploaded file is
//! written to disk as it arrives and never held in memory whole.
//!
//! The scanner is fed the body chunk by chunk and hands back events: a part
//! begins (with its field name and file name), some of its bytes, it ends.
//! It keeps only the few bytes that might begin a boundary between chunks.

/// Something the scanner found in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// A part begins.
    Part {
        /// The form field's name.
        name: String,
        /// The uploaded file's name (without any folder), for file fields.
        filename: Option<String>,
    },
    /// Bytes of the current part.
    Data(Vec<u8>),
    /// The current part ended.
    PartEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Preamble,
    AfterBoundary,
    Headers,
    Body,
    Done,
}

/// The largest header block of one part that is accepted.
const MAX_HEADERS: usize = 16 * 1024;

/// Reads one multipart body.
#[derive(Debug)]
pub(crate) struct Scanner {
    delimiter: Vec<u8>,
    buf: Vec<u8>,
    state: State,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .find_map(|p| {
            let (key, value) = p.trim().split_once('=')?;
            key.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header_params(block: &str) -> Option<(String, Option<String>)> {
    let disposition = block.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case("content-disposition").then_some(value)
    })?;
    let mut name = None;
    let mut filename = None;
    for param in disposition.split(';').skip(1) {
        let Some((key, value)) = param.trim().split_once('=') else { continue };
        let value = value.trim().trim_matches('"').to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(value),
            // Some browsers send a path; only the last component is the name.
            "filename" => filename = Some(value.rsplit(['/', '\\']).next().unwrap_or_default().to_string()),
            _ => {}
        }
    }
    Some((name?, filename))
}

impl Scanner {
    /// A scanner for the given boundary.
    pub(crate) fn new(boundary: &str) -> Self {
        // The body starts with the boundary; a line break in front lets the
        // first one be found like every other.
        Self { delimiter: format!("\r\n--{boundary}").into_bytes(), buf: b"\r\n".to_vec(), state: State::Preamble }
    }

    /// Feeds the next chunk, adding what it completes to `events`.
    pub(crate) fn push(&mut self, chunk: &[u8], events: &mut Vec<Event>) -> Result<(), String> {
        self.buf.extend_from_slice(chunk);
        loop {
            match self.state {
                State::Preamble => match find(&self.buf, &self.delimiter) {
                    Some(i) => {
                        self.buf.drain(..i + self.delimiter.len());
                        self.state = State::AfterBoundary;
                    }
                    None => {
                        let keep = self.delimiter.len() - 1;
                        let cut = self.buf.len().saturating_sub(keep);
                        self.buf.drain(..cut);
                        return Ok(());
                    }
                },
                State::AfterBoundary => {
                    if self.buf.len() < 2 {
                        return Ok(());
                    }
                    match &self.buf[..2] {
                        b"--" => self.state = State::Done,
                        b"\r\n" => {
                            self.buf.drain(..2);
                            self.state = State::Headers;
                        }
                        _ => return Err("the upload is not a well-formed form".to_string()),
                    }
                }
                State::Headers => match find(&self.buf, b"\r\n\r\n") {
                    Some(i) => {
                        let block = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                        let (name, filename) = header_params(&block).ok_or("a part of the upload has no field name")?;
                        events.push(Event::Part { name, filename });
                        self.buf.drain(..i + 4);
                        self.state = State::Body;
                    }
                    None if self.buf.len() > MAX_HEADERS => return Err("a part of the upload is malformed".to_string()),
                    None => return Ok(()),
                },
                State::Body => match find(&self.buf, &self.delimiter) {
                    Some(i) => {
                        if i > 0 {
                            events.push(Event::Data(self.buf[..i].to_vec()));
                        }
                        events.push(Event::PartEnd);
                        self.buf.drain(..i + self.delimiter.len());
                        self.state = State::AfterBoundary;
                    }
                    None => {
                        // Everything but a possible start of the delimiter is data.
                        let safe = self.buf.len().saturating_sub(self.delimiter.len() - 1);
                        if safe > 0 {
                            events.push(Event::Data(self.buf[..safe].to_vec()));
                            self.buf.drain(..safe);
                        }
                        return Ok(());
                    }
                },
                State::Done => {
                    self.buf.clear();
                    return Ok(());
                }
            }
        }
    }

    /// Checks that the body ended with the closing boundary.
    pub(crate) fn finish(&self) -> Result<(), String> {
        if self.state == State::Done { Ok(()) } else { Err("the upload ended early; try again".to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ninteractions\r\n--XyZ\r\n\
Content-Disposition: form-data; name=\"file\"; filename=\"C:\\\\data\\\\contacts.csv\"\r\nContent-Type: text/csv\r\n\r\n\
id,channel\r\na,--XyZ not a boundary\r\n\r\n--XyZ--\r\n";

    /// A part as read: field name, file name, bytes.
    type Part = (String, Option<String>, Vec<u8>);

    fn collect(chunks: &[&[u8]]) -> (Vec<Part>, Result<(), String>) {
        let mut scanner = Scanner::new("XyZ");
        let mut events = Vec::new();
        for chunk in chunks {
            scanner.push(chunk, &mut events).expect("well formed");
        }
        let mut parts = Vec::new();
        for event in events {
            match event {
                Event::Part { name, filename } => parts.push((name, filename, Vec::new())),
                Event::Data(bytes) => parts.last_mut().expect("a part").2.extend(bytes),
                Event::PartEnd => {}
            }
        }
        (parts, scanner.finish())
    }

    #[test]
    fn parts_come_out_the_same_however_the_body_is_split() {
        let (whole, done) = collect(&[BODY]);
        assert_eq!(done, Ok(()));
        assert_eq!(whole.len(), 2);
        assert_eq!(whole[0], ("kind".to_string(), None, b"interactions".to_vec()));
        assert_eq!(whole[1].1.as_deref(), Some("contacts.csv"));
        assert_eq!(whole[1].2, b"id,channel\r\na,--XyZ not a boundary\r\n".to_vec());
        for split in 1..BODY.len() {
            let (parts, done) = collect(&[&BODY[..split], &BODY[split..]]);
            assert_eq!((parts, done), (whole.clone(), Ok(())), "split at {split}");
        }
        let bytes: Vec<&[u8]> = BODY.chunks(1).collect();
        assert_eq!(collect(&bytes).0, whole);
    }

    #[test]
    fn a_truncated_body_is_reported() {
        let (_, done) = collect(&[&BODY[..BODY.len() - 10]]);
        assert!(done.is_err());
    }

    #[test]
    fn boundaries_are_read_from_the_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=----abc").as_deref(), Some("----abc"));
        assert_eq!(boundary("multipart/form-data; charset=utf-8; boundary=\"q\"").as_deref(), Some("q"));
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
