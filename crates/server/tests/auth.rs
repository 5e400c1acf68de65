//! Sign-in, sessions and their end: against the real server and a fresh database.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::auth::SessionToken;
use server::error::ErrorCode;
use support::{expect_error, spawn_app, ADMIN, DEMO_PASSWORD, PROVIDER, REQUESTER};

#[tokio::test]
async fn sign_in_gives_a_twelve_hour_token_that_works() {
    let app = spawn_app().await;
    let before = Utc::now();
    let response = app.sign_in_as(PROVIDER, DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();

    let token = body["token"].as_str().unwrap();
    assert!(
        SessionToken::parse(token).is_some(),
        "the token is 64 hex characters, got {token:?}"
    );
    let expires: DateTime<Utc> = body["expiresAt"].as_str().unwrap().parse().unwrap();
    let lifetime = expires - before;
    assert!(
        lifetime >= TimeDelta::hours(12) && lifetime < TimeDelta::hours(12) + TimeDelta::minutes(1),
        "a session lasts 12 h, got {lifetime}"
    );
    assert_eq!(
        body["user"],
        json!({
            "id": domain::demo::PROVIDER.to_string(),
            "name": "Dr. Ahmed Al-Rashid",
            "email": PROVIDER,
            "role": "provider",
        })
    );

    let me = app.get("/v1/me", Some(token)).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me, body["user"], "/v1/me is the signed-in user");

    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        stored,
        SessionToken::parse(token).unwrap().hash().to_vec(),
        "only the token's SHA-256 is stored"
    );
}

#[tokio::test]
async fn email_addresses_match_in_any_case() {
    let app = spawn_app().await;
    let response = app
        .sign_in_as("  Admin@Demo.HOSPITAL ", DEMO_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
}

#[tokio::test]
async fn wrong_password_and_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    let wrong = app.sign_in_as(REQUESTER, "not-the-password").await;
    let wrong = expect_error(
        wrong,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    let unknown = app.sign_in_as("nobody@demo.hospital", DEMO_PASSWORD).await;
    let unknown = expect_error(
        unknown,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    assert_eq!(
        wrong, unknown,
        "the answer must not tell whether the address has an account"
    );
    assert_eq!(
        app.count("sessions").await,
        0,
        "no session for a failed sign-in"
    );
}

#[tokio::test]
async fn the_system_account_and_deactivated_accounts_cannot_sign_in() {
    let app = spawn_app().await;
    let system = app
        .sign_in_as("system@second-opinion.local", DEMO_PASSWORD)
        .await;
    expect_error(
        system,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;

    let token = app.sign_in(PROVIDER).await;
    sqlx::query("UPDATE users SET active = false WHERE email = $1")
        .bind(PROVIDER)
        .execute(&app.pool)
        .await
        .unwrap();
    let again = app.sign_in_as(PROVIDER, DEMO_PASSWORD).await;
    expect_error(
        again,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
    let me = app.get("/v1/me", Some(&token)).await;
    expect_error(me, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_address() {
    let app = spawn_app().await;
    for attempt in 1..=5 {
        let response = app.sign_in_as(REQUESTER, &format!("guess-{attempt}")).await;
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        )
        .await;
    }
    let limited = app.sign_in_as(REQUESTER, DEMO_PASSWORD).await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=12).contains(&retry_after),
        "Retry-After says when the next attempt is allowed, got {retry_after}"
    );
    expect_error(
        limited,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
    )
    .await;
    // Another address from the same client is not affected.
    assert_eq!(
        app.sign_in_as(ADMIN, DEMO_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_client() {
    // 30 attempts at once from one client, then one more every 2 s. Attempts take real
    // time (argon2), so budgets refill meanwhile: count on the clock, not on a fixed 31st.
    let app = spawn_app().await;
    let start = std::time::Instant::now();
    let mut allowed = 0usize;
    loop {
        let response = app
            .sign_in_as(&format!("spray{allowed}@demo.hospital"), "password")
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            expect_error(
                response,
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
            )
            .await;
            break;
        }
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        )
        .await;
        allowed += 1;
        let refills = (start.elapsed().as_secs_f64() / 2.0).ceil() as usize;
        assert!(
            allowed <= 30 + refills,
            "{allowed} attempts in {:?}: the per-client budget is not enforced",
            start.elapsed()
        );
    }
    assert!(allowed >= 30, "a burst of 30 is allowed, got {allowed}");
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let app = spawn_app().await;
    let token = SessionToken::generate();
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&token.hash()[..])
    .bind(domain::demo::ADMIN.0)
    .bind(now - TimeDelta::hours(13))
    .bind(now - TimeDelta::hours(1))
    .execute(&app.pool)
    .await
    .unwrap();
    let response = app.get("/v1/me", Some(&token.as_text())).await;
    expect_error(response, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
}

#[tokio::test]
async fn sign_out_revokes_that_token_only() {
    let app = spawn_app().await;
    let first = app.sign_in(ADMIN).await;
    let second = app.sign_in(ADMIN).await;

    let out = app
        .post_json("/v1/auth/sign-out", &json!({}), Some(&first))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let me = app.get("/v1/me", Some(&first)).await;
    expect_error(me, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
    let again = app
        .post_json("/v1/auth/sign-out", &json!({}), Some(&first))
        .await;
    expect_error(again, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;

    assert_eq!(
        app.get("/v1/me", Some(&second)).await.status(),
        StatusCode::OK,
        "the user's other session stays"
    );
    let revoked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(revoked, 1);
}

#[tokio::test]
async fn bad_tokens_are_unauthorized_everywhere() {
    let app = spawn_app().await;
    let unknown = SessionToken::generate().as_text();
    let headers = [
        None,
        Some("Bearer".to_string()),
        Some("Bearer not-a-token".to_string()),
        Some(format!("Bearer {}", &unknown[..63])),
        Some(format!("Bearer {unknown}")),
        Some(format!("Basic {unknown}")),
        Some(format!("Token {unknown}")),
    ];
    let endpoints = [
        (reqwest::Method::GET, "/v1/me"),
        (reqwest::Method::POST, "/v1/auth/sign-out"),
        (reqwest::Method::POST, "/v1/admin/users"),
    ];
    for (method, path) in &endpoints {
        for header in &headers {
            let mut request = app
                .client
                .request(method.clone(), app.url(path))
                .json(&json!({}));
            if let Some(h) = header {
                request = request.header("authorization", h);
            }
            let response = request.send().await.unwrap();
            let shown = header.as_deref().map(|h| &h[..h.len().min(20)]);
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {shown:?}"
            );
            expect_error(response, StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized).await;
        }
    }
}
