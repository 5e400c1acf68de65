//! Account creation: admins only, validated, nothing stored when refused.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use server::error::ErrorCode;
use support::{expect_error, spawn_app, ADMIN, COORDINATOR, PROVIDER, REQUESTER};

fn new_user(email: &str) -> Value {
    json!({
        "email": email,
        "name": "Dr. Mona Aziz",
        "role": "provider",
        "password": "a long enough password",
    })
}

#[tokio::test]
async fn an_admin_creates_an_account_that_can_sign_in() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await;
    let response = app
        .post_json(
            "/v1/admin/users",
            &new_user(" Mona@Hospital.org "),
            Some(&token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        created["email"], "Mona@Hospital.org",
        "kept as typed, trimmed"
    );
    assert_eq!(created["role"], "provider");
    assert_eq!(created["name"], "Dr. Mona Aziz");

    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
        .bind("Mona@Hospital.org")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$"),
        "stored as argon2id, got {hash}"
    );

    let signed_in = app
        .sign_in_as("mona@hospital.org", "a long enough password")
        .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let body: Value = signed_in.json().await.unwrap();
    assert_eq!(body["user"]["id"], created["id"]);
}

#[tokio::test]
async fn only_admins_create_accounts() {
    let app = spawn_app().await;
    let before = app.count("users").await;
    for who in [REQUESTER, COORDINATOR, PROVIDER] {
        let token = app.sign_in(who).await;
        let response = app
            .post_json("/v1/admin/users", &new_user("x@hospital.org"), Some(&token))
            .await;
        expect_error(response, StatusCode::FORBIDDEN, ErrorCode::Forbidden).await;
        // The role is checked before the body is even read.
        let response = app
            .client
            .post(app.url("/v1/admin/users"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        expect_error(response, StatusCode::FORBIDDEN, ErrorCode::Forbidden).await;
    }
    assert_eq!(
        app.count("users").await,
        before,
        "a {before}-account table stays so"
    );
}

#[tokio::test]
async fn a_taken_address_is_a_conflict_in_any_case() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await;
    let before = app.count("users").await;
    let response = app
        .post_json(
            "/v1/admin/users",
            &new_user("PROVIDER@demo.hospital"),
            Some(&token),
        )
        .await;
    let error = expect_error(response, StatusCode::CONFLICT, ErrorCode::Conflict).await;
    assert!(error.message.starts_with("email:"), "{}", error.message);
    assert_eq!(app.count("users").await, before);
}

#[tokio::test]
async fn invalid_fields_are_refused_by_name() {
    let app = spawn_app().await;
    let token = app.sign_in(ADMIN).await;
    let before = app.count("users").await;
    let cases = [
        ("email", json!("not-an-address")),
        ("email", json!("  ")),
        ("name", json!("   ")),
        ("name", json!("x".repeat(201))),
        ("role", json!("system")),
        ("role", json!("surgeon")),
        ("password", json!("short")),
        ("password", json!("eleven char")),
    ];
    for (field, value) in cases {
        let mut body = new_user("valid@hospital.org");
        body[field] = value.clone();
        let response = app.post_json("/v1/admin/users", &body, Some(&token)).await;
        let error = expect_error(response, StatusCode::BAD_REQUEST, ErrorCode::InvalidInput).await;
        assert!(
            error.message.starts_with(&format!("{field}:")),
            "{field} = {value}: the message names the field, got {:?}",
            error.message
        );
    }
    assert_eq!(app.count("users").await, before, "nothing stored");
}
