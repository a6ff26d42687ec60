//! Imports in the browser: the upload page, the progress and result of one
//! upload, the import history with rejected rows to download.
//!
//! An upload is written to a temporary file as it arrives (never held in
//! memory whole), then imported by a background task through the same store
//! functions as the command line; the page polls its progress with htmx and
//! refreshes itself without JavaScript.

mod history;
mod jobs;
mod multipart;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use crewdeck_store::StoreError;
use crewdeck_store::imports::{self, ImportKind};
use futures_util::StreamExt;

pub use history::{history, rejected_csv};

use super::{FormErrors, Layout, render, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;
use jobs::{Job, JobState};

/// An uploaded file waiting in the temporary folder; removed when dropped.
struct TempUpload(PathBuf);

impl Drop for TempUpload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One choice of what a file holds.
struct KindOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct UploadPage {
    layout: Layout,
    kinds: Vec<KindOption>,
    errors: FormErrors,
    recent: Vec<history::EntryView>,
}

async fn upload_page(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    chosen: &str,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let recent = imports::runs_page(&state.db, 0, 5).await?;
    let tz = state.time_zone();
    render_status(
        status,
        &UploadPage {
            layout: Layout::new(session, "Imports", "/imports"),
            kinds: ImportKind::ALL
                .iter()
                .map(|k| KindOption { value: k.as_str(), label: k.label(), selected: k.as_str() == chosen })
                .collect(),
            errors,
            recent: recent.entries.iter().map(|e| history::EntryView::new(e, &tz)).collect(),
        },
    )
}

/// `GET /imports`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    upload_page(&state, &session, StatusCode::OK, "interactions", FormErrors::default()).await
}

/// What the upload form sent.
#[derive(Default)]
struct Received {
    kind: String,
    file: Option<(TempUpload, String, u64)>,
}

fn temp_path() -> PathBuf {
    std::env::temp_dir().join(format!("crewdeck-upload-{}", hex::encode(rand::random::<[u8; 12]>())))
}

/// Reads the form, writing the file part to a temporary file as it comes.
async fn receive(body: Body, boundary: &str) -> Result<Received, String> {
    let mut scanner = multipart::Scanner::new(boundary);
    let mut stream = body.into_data_stream();
    let mut events = Vec::new();
    let mut received = Received::default();
    let mut field = String::new();
    let mut file: Option<(std::fs::File, TempUpload, String, u64)> = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| "the upload was interrupted; try again".to_string())?;
        scanner.push(&chunk, &mut events)?;
        for event in events.drain(..) {
            match event {
                multipart::Event::Part { name, filename } => {
                    field = name;
                    if field == "file" {
                        let name = filename.filter(|n| !n.trim().is_empty()).ok_or("choose a file to import")?;
                        let path = temp_path();
                        let handle = std::fs::File::create_new(&path)
                            .map_err(|_| "the upload could not be stored; try again".to_string())?;
                        file = Some((handle, TempUpload(path), name, 0));
                    }
                }
                multipart::Event::Data(bytes) => match (field.as_str(), file.as_mut()) {
                    ("file", Some((handle, _, _, size))) => {
                        handle
                            .write_all(&bytes)
                            .map_err(|_| "the upload could not be stored; try again".to_string())?;
                        *size += bytes.len() as u64;
                    }
                    ("kind", _) if received.kind.len() + bytes.len() <= 64 => {
                        received.kind.push_str(&String::from_utf8_lossy(&bytes));
                    }
                    _ => {}
                },
                multipart::Event::PartEnd => {
                    if field == "file"
                        && let Some((handle, temp, name, size)) = file.take()
                    {
                        handle.sync_all().map_err(|_| "the upload could not be stored; try again".to_string())?;
                        received.file = Some((temp, name, size));
                    }
                    field.clear();
                }
            }
        }
    }
    scanner.finish()?;
    Ok(received)
}

/// `POST /imports`: receive the file, start the import, show its progress.
pub async fn upload(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    request: Request,
) -> Result<Response, PageError> {
    let boundary =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(multipart::boundary);
    let invalid = |field: &str, message: &str| {
        FormErrors(crewdeck_core::fields::FieldErrors(vec![crewdeck_core::fields::FieldError::new(field, message)]))
    };
    let Some(boundary) = boundary else {
        let errors = invalid("file", "Choose a file to import, then press Import.");
        return upload_page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, "interactions", errors).await;
    };
    let received = match receive(request.into_body(), &boundary).await {
        Ok(received) => received,
        Err(message) => {
            let mut text = message;
            if let Some(first) = text.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            let errors = invalid("file", &format!("{text}."));
            return upload_page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, "interactions", errors).await;
        }
    };
    let Some(kind) = ImportKind::parse(&received.kind) else {
        let errors = invalid("kind", "Choose what the file holds.");
        return upload_page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, "interactions", errors).await;
    };
    let Some((temp, name, size)) = received.file else {
        let errors = invalid("file", "Choose a file to import, then press Import.");
        return upload_page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, kind.as_str(), errors).await;
    };
    let job = jobs::start(session.user.id, kind, name, size, state.now());
    tokio::spawn(run_job(state.clone(), session.audit_actor(), Arc::clone(&job), temp));
    Ok(Redirect::to(&format!("/imports/jobs/{}", job.id)).into_response())
}

async fn run_job(state: AppState, actor: crewdeck_store::audit::Actor, job: Arc<Job>, temp: TempUpload) {
    let progress_job = Arc::clone(&job);
    let mut progress = move |rows: u64| progress_job.set_rows(rows);
    let clock = || state.now();
    let result =
        imports::import_file(&state.db, &actor, job.kind, &temp.0, &job.file_name, &clock, &mut progress).await;
    drop(temp);
    job.finish(match result {
        Ok(reports) => JobState::Done(reports),
        Err(StoreError::Invalid(errors)) => JobState::Failed(format!(
            "The file could not be imported: {errors}. Nothing from it was written; correct the file and upload it again."
        )),
        Err(error) => {
            tracing::error!(%error, "import from an upload failed");
            JobState::Failed(
                "The import stopped because of a problem on our side. Rows already imported are kept; \
                 upload the same file again to finish it (nothing is imported twice)."
                    .to_string(),
            )
        }
    });
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    layout: Layout,
    progress: ProgressView,
    results: Vec<history::EntryView>,
    failure: Option<String>,
}

/// The progress fragment alone, for htmx to swap in.
#[derive(Template)]
#[template(path = "import_progress.html")]
struct ProgressFragment {
    progress: ProgressView,
}

/// Where one upload stands.
struct ProgressView {
    id: String,
    kind: &'static str,
    file_name: String,
    size: String,
    rows: u64,
    running: bool,
}

impl ProgressView {
    fn of(job: &Job) -> Self {
        Self {
            id: job.id.clone(),
            kind: job.kind.label(),
            file_name: job.file_name.clone(),
            size: history::bytes(job.bytes),
            rows: job.rows(),
            running: matches!(job.state(), JobState::Running),
        }
    }
}

fn find_job(id: &str, session: &Session) -> Result<Arc<Job>, PageError> {
    jobs::find(id, session.user.id).ok_or_else(|| {
        PageError::NotFound(
            "This import (it may have run on another server, or finished over an hour ago; see the import history)"
                .to_string(),
        )
    })
}

/// `GET /imports/jobs/{id}`: progress while it runs, then the result.
pub async fn job(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let job = find_job(&id, &session)?;
    let tz = state.time_zone();
    let (results, failure) = match job.state() {
        JobState::Running => (Vec::new(), None),
        JobState::Done(reports) => {
            let mut results = Vec::new();
            for report in &reports {
                if let Some(entry) = imports::import_run(&state.db, report.run_id).await? {
                    results.push(history::EntryView::new(&entry, &tz));
                }
            }
            (results, None)
        }
        JobState::Failed(message) => (Vec::new(), Some(message)),
    };
    render(&JobPage {
        layout: Layout::new(&session, "Import", "/imports"),
        progress: ProgressView::of(&job),
        results,
        failure,
    })
}

/// `GET /imports/jobs/{id}/progress`: the progress fragment htmx polls; once
/// the job has finished it sends the browser to the result.
pub async fn progress(Extension(session): Extension<Session>, Path(id): Path<String>) -> Result<Response, PageError> {
    let job = find_job(&id, &session)?;
    let fragment = ProgressFragment { progress: ProgressView::of(&job) };
    let mut response = render(&fragment)?;
    if !fragment.progress.running
        && let Ok(target) = HeaderValue::from_str(&format!("/imports/jobs/{}", job.id))
    {
        response.headers_mut().insert("hx-redirect", target);
    }
    Ok(response)
}
