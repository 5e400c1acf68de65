//! The HTTP surface as a whole: health and readiness, the error shape of every refusal
//! (malformed, mistyped, incomplete, oversized or unsent-as-JSON bodies, unknown routes
//! and methods), and the OpenAPI document.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::error::ErrorCode;
use server::AppState;
use support::{expect_error, spawn_app, ADMIN};

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let health = app.get("/health", None).await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
    let ready = app.get("/ready", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(
        ready.json::<Value>().await.unwrap(),
        json!({"status": "ready"})
    );
}

#[tokio::test]
async fn without_a_database_it_is_alive_but_not_ready() {
    // A pool on a port nothing listens on (the server never connects before it is asked).
    let pool = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy("postgres://so:x@127.0.0.1:9/nothing")
        .unwrap();
    let (addr, _server) = support::serve(AppState::new(pool)).await;
    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{addr}/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK, "the process is up");
    let ready = client
        .get(format!("http://{addr}/ready"))
        .send()
        .await
        .unwrap();
    expect_error(
        ready,
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
    )
    .await;
    let sign_in = client
        .post(format!("http://{addr}/v1/auth/sign-in"))
        .json(&json!({"email": ADMIN, "password": "x"}))
        .send()
        .await
        .unwrap();
    let error = expect_error(
        sign_in,
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
    )
    .await;
    assert!(
        !error.message.contains("127.0.0.1:9") && !error.message.contains("nothing"),
        "a 5xx never tells internals: {}",
        error.message
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = spawn_app().await;
    let response = app.get("/v1/nope", None).await;
    expect_error(response, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    let response = app.get("/v1/auth/sign-in", None).await;
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
    )
    .await;
    let response = app.client.delete(app.url("/health")).send().await.unwrap();
    assert!(
        response.headers().contains_key("x-request-id"),
        "every answer carries a request id"
    );
    expect_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
    )
    .await;
}

/// One malformed body and what it must get.
struct Bad {
    what: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: StatusCode,
    code: ErrorCode,
}

fn bad_bodies(valid: Value) -> Vec<Bad> {
    let json = Some("application/json");
    let mut oversized = valid.clone();
    oversized["name"] = json!("x".repeat(20 * 1024));
    oversized["email"] = json!("x".repeat(20 * 1024));
    let mut wrong_types = valid.clone();
    for (_, v) in wrong_types.as_object_mut().unwrap() {
        *v = json!(12);
    }
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("password");
    vec![
        Bad {
            what: "truncated JSON",
            content_type: json,
            body: b"{\"email\": ".to_vec(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "not JSON at all",
            content_type: json,
            body: b"email=a&password=b".to_vec(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "empty body",
            content_type: json,
            body: Vec::new(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "an array",
            content_type: json,
            body: b"[]".to_vec(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "null",
            content_type: json,
            body: b"null".to_vec(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "wrong types",
            content_type: json,
            body: wrong_types.to_string().into_bytes(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "a missing field",
            content_type: json,
            body: missing.to_string().into_bytes(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "invalid UTF-8",
            content_type: json,
            body: b"{\"email\": \"\xff\xfe\"}".to_vec(),
            status: StatusCode::BAD_REQUEST,
            code: ErrorCode::InvalidInput,
        },
        Bad {
            what: "no content type",
            content_type: None,
            body: valid.to_string().into_bytes(),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: ErrorCode::UnsupportedMediaType,
        },
        Bad {
            what: "a form content type",
            content_type: Some("application/x-www-form-urlencoded"),
            body: valid.to_string().into_bytes(),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: ErrorCode::UnsupportedMediaType,
        },
        Bad {
            what: "a 40 KiB body",
            content_type: json,
            body: oversized.to_string().into_bytes(),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: ErrorCode::PayloadTooLarge,
        },
    ]
}

#[tokio::test]
async fn malformed_bodies_are_4xx_with_a_clear_code_and_store_nothing() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await;
    let (users, sessions) = (app.count("users").await, app.count("sessions").await);

    let endpoints = [
        (
            "/v1/auth/sign-in",
            json!({"email": ADMIN, "password": "demo-password-2026"}),
        ),
        (
            "/v1/admin/users",
            json!({"email": "n@h.org", "name": "N", "role": "admin", "password": "long enough password"}),
        ),
    ];
    for (path, valid) in endpoints {
        for bad in bad_bodies(valid) {
            let mut request = app
                .client
                .post(app.url(path))
                .bearer_auth(&token)
                .body(bad.body);
            if let Some(ct) = bad.content_type {
                request = request.header("content-type", ct);
            }
            let response = request.send().await.unwrap();
            assert!(
                response.status().is_client_error(),
                "{path} with {}: a 4xx, got {}",
                bad.what,
                response.status()
            );
            let error = expect_error(response, bad.status, bad.code).await;
            println!("{path} {}: {}", bad.what, error.message);
        }
    }
    assert_eq!(app.count("users").await, users, "no account stored");
    assert_eq!(app.count("sessions").await, sessions, "no session stored");
}

#[tokio::test]
async fn a_body_over_the_hard_cap_is_refused_before_any_handler() {
    let app = spawn_app().await;
    let body = vec![b' '; server::MAX_REQUEST_BYTES + 1];
    let response = app
        .client
        .post(app.url("/v1/auth/sign-in"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    expect_error(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::PayloadTooLarge,
    )
    .await;
}

#[tokio::test]
async fn the_served_openapi_document_is_the_checked_in_one_and_routes_exist() {
    let app = spawn_app().await;
    let response = app.get("/v1/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().await.unwrap();
    let checked_in: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    assert_eq!(
        served, checked_in,
        "GET /v1/openapi.json serves crates/server/openapi.json"
    );

    // Every documented operation is routed: it may refuse (401, 400 …) but never as an
    // unknown path or method.
    let paths = served["paths"].as_object().unwrap();
    assert!(paths.len() >= 7, "the document lists the endpoints");
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert!(
                response.status() != StatusCode::NOT_FOUND
                    && response.status() != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed ({})",
                response.status()
            );
        }
    }
}
