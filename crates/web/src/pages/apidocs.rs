//! `/api/docs`: the OpenAPI document rendered as a readable page on the server,
//! so the reference needs no CDN script and works under the strict CSP.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::response::Response;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr};

use super::{Layout, render};
use crate::error::PageError;
use crate::session::Session;

/// The finished API document, shared with the handlers that serve it.
#[derive(Clone)]
pub struct ApiDocument(pub Arc<OpenApi>);

impl std::fmt::Debug for ApiDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiDocument")
    }
}

struct Param {
    name: String,
    location: &'static str,
    required: bool,
    description: String,
}

struct Reply {
    status: String,
    description: String,
}

struct OperationDoc {
    method: &'static str,
    path: String,
    summary: String,
    description: String,
    params: Vec<Param>,
    body: Option<String>,
    replies: Vec<Reply>,
    anchor: String,
}

struct Section {
    tag: String,
    operations: Vec<OperationDoc>,
}

#[derive(Template)]
#[template(path = "apidocs.html")]
struct DocsPage {
    layout: Layout,
    version: String,
    sections: Vec<Section>,
}

fn schema_name(reference: &RefOr<utoipa::openapi::schema::Schema>) -> String {
    match reference {
        RefOr::Ref(r) => r.ref_location.rsplit('/').next().unwrap_or_default().to_string(),
        RefOr::T(utoipa::openapi::schema::Schema::Array(a)) => match &a.items {
            utoipa::openapi::schema::ArrayItems::RefOrSchema(inner) => {
                format!("array of {}", schema_name(inner))
            }
            utoipa::openapi::schema::ArrayItems::False => "array".into(),
        },
        RefOr::T(_) => "inline object".into(),
    }
}

fn describe(method: &'static str, path: &str, op: &Operation) -> OperationDoc {
    let params = op
        .parameters
        .iter()
        .flatten()
        .map(|p| Param {
            name: p.name.clone(),
            location: match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            },
            required: matches!(p.required, utoipa::openapi::Required::True),
            description: p.description.clone().unwrap_or_default(),
        })
        .collect();
    let body = op
        .request_body
        .as_ref()
        .and_then(|b| b.content.values().next())
        .and_then(|c| c.schema.as_ref())
        .map(schema_name);
    let replies = op
        .responses
        .responses
        .iter()
        .map(|(status, r)| Reply {
            status: status.clone(),
            description: match r {
                RefOr::T(r) => r.description.clone(),
                RefOr::Ref(r) => r.ref_location.clone(),
            },
        })
        .collect();
    OperationDoc {
        method,
        path: path.to_string(),
        summary: op.summary.clone().unwrap_or_default(),
        description: op.description.clone().unwrap_or_default(),
        params,
        body,
        replies,
        anchor: format!("{}-{}", method.to_lowercase(), path.replace(['/', '{', '}'], "-")),
    }
}

fn sections(doc: &OpenApi) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let tag = op.tags.as_ref().and_then(|t| t.first()).cloned().unwrap_or_else(|| "general".into());
            let doc = describe(method, path, op);
            match sections.iter_mut().find(|s| s.tag == tag) {
                Some(section) => section.operations.push(doc),
                None => sections.push(Section { tag, operations: vec![doc] }),
            }
        }
    }
    sections.sort_by(|a, b| a.tag.cmp(&b.tag));
    sections
}

/// `GET /api/docs`.
pub async fn show(
    Extension(session): Extension<Session>,
    Extension(doc): Extension<ApiDocument>,
) -> Result<Response, PageError> {
    render(&DocsPage {
        layout: Layout::new(&session, "API reference", "/api/docs"),
        version: doc.0.info.version.clone(),
        sections: sections(&doc.0),
    })
}
