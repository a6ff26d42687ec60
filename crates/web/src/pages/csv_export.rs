//! CSV downloads: quoting, protection against spreadsheet formulas, and a
//! streamed response with a proper `Content-Disposition`.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use tokio::sync::mpsc;

/// One CSV field: quoted when it holds a comma, quote or line break; a
/// leading `=`, `+`, `-` or `@` in text is defused with an apostrophe so a
/// customer's comment cannot run as a spreadsheet formula.
pub fn field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) { format!("\"{}\"", defused.replace('"', "\"\"")) } else { defused }
}

/// One CSV line from fields, ending in CRLF (RFC 4180).
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields.iter().map(|f| field(f.as_ref())).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

fn headers(mut response: Response, file_name: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    // File names are built from ids and dates only, so they need no escaping.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A whole CSV document held in memory (small tables).
pub fn download(file_name: &str, body: String) -> Response {
    headers(body.into_response(), file_name)
}

/// A CSV response whose lines arrive on a channel, so a large export is
/// sent as it is read and never held whole in memory.
pub fn streamed(file_name: &str, lines: mpsc::Receiver<String>) -> Response {
    let body = stream::unfold(lines, |mut rx| async move {
        rx.recv().await.map(|line| (Ok::<Bytes, std::io::Error>(Bytes::from(line)), rx))
    })
    // The compression layer may poll once more after the end; a bare
    // `unfold` panics on that, a fused stream keeps answering "no more".
    .fuse();
    headers(Body::from_stream(body).into_response(), file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("-12.5"), "-12.5");
        assert_eq!(line(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }
}
