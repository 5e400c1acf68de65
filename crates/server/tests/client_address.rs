//! Whose address the sign-in limits count: the TCP peer's, unless the peer is a trusted
//! proxy (`SO_TRUSTED_PROXIES`), whose right-most untrusted `X-Forwarded-For` address is
//! then the client's. And an e-mail address no account can have (over-long, a NUL) gets the
//! uniform 401 of sign-in, not a 400, and never becomes a limiter key of its own. The real
//! server over real HTTP on the real PostgreSQL; every request comes from 127.0.0.1.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::StatusCode;
use server::proxies::TrustedProxies;
use server::{AppState, ErrorCode};
use support::{expect_error, spawn_app, TestApp};

/// Enough attempts to spend the per-network burst (30), with what the budget earns back
/// (one per 2 s) while argon2 runs for the attempts that pass.
const ATTEMPTS: usize = 45;

/// A second server on `app`'s database, trusting `proxies`.
async fn server_trusting(
    app: &TestApp,
    proxies: &str,
) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let mut state = AppState::new(app.pool.clone());
    state.trusted_proxies = Arc::new(TrustedProxies::parse(proxies).unwrap());
    support::serve(state).await
}

/// One sign-in attempt for an unknown address, with `forwarded_for` (if any).
async fn attempt(addr: SocketAddr, email: &str, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("http://{addr}/v1/auth/sign-in"))
        .json(&serde_json::json!({ "email": email, "password": "not the password" }));
    if let Some(value) = forwarded_for {
        request = request.header("x-forwarded-for", value);
    }
    request.send().await.expect("send sign-in")
}

/// Attempts (each with a fresh e-mail address, so only the network budget counts) until
/// one is rate limited; how many went through before. Panics when none is.
async fn attempts_until_limited(
    addr: SocketAddr,
    forwarded_for: impl Fn(usize) -> String,
) -> usize {
    for i in 0..ATTEMPTS {
        let response = attempt(
            addr,
            &format!("u{i}@nowhere.example"),
            Some(&forwarded_for(i)),
        )
        .await;
        match response.status() {
            StatusCode::TOO_MANY_REQUESTS => return i,
            StatusCode::UNAUTHORIZED => {}
            other => panic!("attempt {i}: {other}"),
        }
    }
    panic!("{ATTEMPTS} attempts from one client were never rate limited")
}

#[tokio::test]
async fn without_trusted_proxies_the_header_is_ignored() {
    let app = spawn_app().await;
    // Every attempt claims another client: were the header believed, none would be limited.
    let passed = attempts_until_limited(app.addr, |i| format!("203.0.113.{}", i + 1)).await;
    assert!(
        passed >= 30,
        "the burst of 30 went through first, got {passed}"
    );
    let response = attempt(app.addr, "fresh@nowhere.example", Some("198.51.100.200")).await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the peer (127.0.0.1) is spent, whatever the header says"
    );

    // A peer that is not in the list is not believed either.
    let (other, _server) = server_trusting(&app, "10.0.0.0/8").await;
    attempts_until_limited(other, |i| format!("203.0.113.{}", i + 1)).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let app = spawn_app().await;
    let (addr, _server) = server_trusting(&app, "127.0.0.1, 10.0.0.0/8").await;

    let passed = attempts_until_limited(addr, |_| "203.0.113.7".into()).await;
    assert!(
        passed >= 30,
        "the burst of 30 went through first, got {passed}"
    );
    let response = attempt(addr, "next@nowhere.example", Some("203.0.113.8")).await;
    expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;

    // The right-most untrusted address counts: what the client wrote left of it does not,
    // and trusted hops (another proxy in 10/8) are skipped.
    for header in [
        "192.0.2.1, 203.0.113.7",
        "203.0.113.7, 10.1.2.3",
        "198.51.100.9, 203.0.113.7, 10.1.2.3",
    ] {
        let response = attempt(addr, "again@nowhere.example", Some(header)).await;
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{header}: still the spent client 203.0.113.7"
        );
    }
    let response = attempt(
        addr,
        "other@nowhere.example",
        Some("203.0.113.7, 198.51.100.5"),
    )
    .await;
    expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;

    // No header from the proxy: the proxy itself is the client, with its own budget.
    let response = attempt(addr, "plain@nowhere.example", None).await;
    expect_error(
        response,
        StatusCode::UNAUTHORIZED,
        ErrorCode::InvalidCredentials,
    )
    .await;
}

#[tokio::test]
async fn addresses_no_account_can_have_get_the_uniform_401() {
    let app = spawn_app().await;
    let long = format!("{}@hospital.example", "a".repeat(10_000));
    // 10,000 characters, a NUL, a control character: the answer of a wrong password.
    for email in [
        long.as_str(),
        "admin\u{0}@demo.hospital",
        "admin\u{1}@demo.hospital",
    ] {
        let response = app.sign_in_as(email, support::DEMO_PASSWORD).await;
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        )
        .await;
    }
    // Over-long addresses share one limiter key: its budget runs out like one address's.
    let mut limited = false;
    for i in 0..8 {
        let other = format!("{}{i}@hospital.example", "b".repeat(300));
        let response = app.sign_in_as(&other, "whatever it is").await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
        expect_error(
            response,
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
        )
        .await;
    }
    assert!(
        limited,
        "distinct over-long addresses count as one key (5 attempts, then 429)"
    );
    // The real admin is not affected.
    app.sign_in(support::ADMIN).await;
}
