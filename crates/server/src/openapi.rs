//! The OpenAPI document of the HTTP API, built from the handlers' annotations, served at
//! `GET /v1/openapi.json` and checked in as `crates/server/openapi.json`. A test fails when
//! the checked-in file is stale; regenerate it with
//! `UPDATE_OPENAPI=1 cargo test -p server openapi`.
//!
//! It sits above every module with handlers (it names them all); none of them names it.
//! Its own route, [`openapi_json`], is registered by the router in `lib.rs`.

use std::sync::LazyLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorCode};
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Second Opinion server",
        description = "The central server of Second Opinion: accounts, sessions and sync. \
            Every error answer is `{code, message}` (see `ErrorBody`); switch on `code`."
    ),
    paths(
        routes::health::health,
        routes::health::ready,
        openapi_json,
        routes::auth::sign_in,
        routes::auth::sign_out,
        routes::auth::me,
        routes::admin::create_user,
        crate::sync::push::push,
        crate::sync::pull::pull,
        crate::sync::blobs::put,
        crate::sync::blobs::get,
        crate::sync::uploads::status,
        crate::sync::uploads::put_chunk,
        crate::sync::uploads::abandon,
        crate::sync::live::live,
        crate::notify::settings,
        crate::payments::payment,
        crate::payments::callback,
    ),
    components(schemas(ErrorBody, ErrorCode)),
    modifiers(&BearerToken),
    tags(
        (name = "auth", description = "Sign-in and sessions"),
        (name = "admin", description = "Administration (admins only)"),
        (name = "ops", description = "Health, readiness and this document"),
        (name = "sync", description = "Push commands, pull changes, document content"),
        (name = "payments", description = "A case's payment link, and the payment provider's signed callbacks"),
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme the authenticated endpoints name.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `token` from `POST /v1/auth/sign-in` (64 hex characters).",
                    ))
                    .build(),
            ),
        );
    }
}

static JSON: LazyLock<String> = LazyLock::new(|| {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    text.push('\n');
    text
});

/// The document as pretty JSON (what is served and checked in).
pub fn json() -> &'static str {
    &JSON
}

/// This API's OpenAPI 3.1 document (the same as `crates/server/openapi.json`).
#[utoipa::path(get, path = "/v1/openapi.json", tag = "ops",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], json())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn openapi_json_is_fresh() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        let generated = super::json();
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, generated).expect("write crates/server/openapi.json");
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "crates/server/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p server openapi`"
        );
    }
}
