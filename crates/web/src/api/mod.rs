//! The JSON API under `/api/v1`. Each handler parses, asks the policy, calls one
//! service function and returns JSON; errors are problem documents.

pub mod directory;
pub mod people;
pub mod work;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::Problem;

/// The base API document; paths are added as routes register.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "crewdeck API",
        description = "Team performance for customer service leaders. Authenticate with `Authorization: Bearer TOKEN` (create a token on your account page or with `crewdeck token create`).",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "people", description = "People, their skills, goals and capacity"),
        (name = "teams", description = "Teams and membership"),
        (name = "skills", description = "The skills catalogue and matrix"),
        (name = "accounts", description = "The caller, users and tokens"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "work", description = "Work items, import and pull mode (allocation)")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
