//! Admins can never read chat (DOMAIN.md "Chat, issues, invoices": "not in the UI, not
//! through the server's API, not in exports"). With a case whose chat has messages and an
//! attachment, an admin tries every way in: pulls from the start and from a later cursor,
//! a chat post of their own, the attachment's content, every GET route the server's own
//! OpenAPI document lists (its path parameters filled with this case's ids) and the live
//! channel. No answer may carry any of the chat's text.

mod support;

use std::time::Duration;

use domain::RefusalCode;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::Value;
use support::api::{case_with_doctors, document, post, refusal, People};
use support::spawn_app;

/// In every message, in the attachment's name and in its content: found anywhere in an
/// admin's answer, chat has leaked.
const MARK: &str = "ZEBRA-CHAT-7Q";

#[tokio::test]
async fn an_admin_reads_no_chat_through_any_route() {
    let app = spawn_app().await;
    let people = People::sign_in(&app).await;
    let case_id = case_with_doctors(&app, &people, &[&people.provider]).await;
    let admin = &people.admin;
    let admin_before = app.pull_all(admin, 0).await;
    assert!(
        admin_before.cases.iter().any(|c| c.case.id == case_id),
        "the admin sees the case itself"
    );
    let mut live = support::live_socket(app.addr, &admin.token).await;

    // The case's people talk, with an attachment.
    let content = format!("%PDF-1.4 {MARK} pathology slides").into_bytes();
    let (sha256, size) = app.upload(&people.provider, &content).await;
    let posts = [
        (
            &people.requester,
            format!("{MARK} one: the biopsy came back"),
            None,
        ),
        (
            &people.provider,
            format!("{MARK} two: slides attached"),
            Some(document(&format!("{MARK}-slides.pdf"), &sha256, size)),
        ),
        (
            &people.coordinator,
            format!("{MARK} three: thank you"),
            None,
        ),
    ];
    let mut last_seq = 0;
    for (who, body, attachment) in posts {
        match app.push_one(who, post(case_id, &body, attachment)).await {
            protocol::Outcome::Accepted { events } => last_seq = events[0].seq,
            refused => panic!("{refused:?}"),
        }
    }
    // The people of the case do read it (so the checks below look for something real).
    let party = app.pull_all(&people.requester, 0).await;
    assert_eq!(party.messages.len(), 3);
    assert!(party.texts.concat().contains(MARK));

    // 1. Pull, from the start and from the cursor before the messages.
    for cursor in [0, admin_before.cursor] {
        let pulled = app.pull_all(admin, cursor).await;
        assert!(
            pulled.messages.is_empty(),
            "no message for an admin (cursor {cursor})"
        );
        for text in &pulled.texts {
            assert!(
                !text.contains(MARK),
                "an admin's pull from {cursor} holds chat: {text}"
            );
        }
    }

    // 2. A chat post of their own: refused, nothing stored.
    let stored = app.count("chat_messages").await;
    let own = app
        .push_one(
            admin,
            post(case_id, &format!("{MARK} admin was here"), None),
        )
        .await;
    assert_eq!(refusal(&own), RefusalCode::Forbidden);
    assert_eq!(app.count("chat_messages").await, stored, "nothing stored");

    // 3. The attachment's content and its upload status: as if it did not exist.
    for path in [
        format!("/v1/blobs/{sha256}"),
        format!("/v1/blobs/{sha256}/upload"),
    ] {
        let response = app.get(&path, Some(&admin.token)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let text = response.text().await.unwrap();
        assert!(!text.contains(MARK), "{path}: {text}");
    }

    // 4. Every GET route the server documents, with this case's ids for its parameters.
    let doc: Value = app
        .get("/v1/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().expect("the document lists paths");
    let mut tried = Vec::new();
    for (template, operations) in paths {
        if operations.get("get").is_none() {
            continue;
        }
        let path = fill(template, &sha256, &case_id.to_string());
        let mut urls = vec![path.clone()];
        if path == "/v1/pull" {
            urls.push("/v1/pull?cursor=0&config=0".to_string());
            urls.push(format!("/v1/pull?cursor={}&config=0", admin_before.cursor));
        }
        for url in urls {
            let response = app.get(&url, Some(&admin.token)).await;
            let status = response.status();
            let body = response.bytes().await.unwrap();
            let text = String::from_utf8_lossy(&body);
            assert!(
                !text.contains(MARK),
                "GET {url} ({status}) shows an admin chat: {text}"
            );
            tried.push(url);
        }
    }
    for must in [
        "/v1/pull?cursor=0&config=0",
        "/v1/notification-settings",
        "/v1/me",
    ] {
        assert!(
            tried.iter().any(|t| t == must),
            "{must} was tried: {tried:?}"
        );
    }
    assert!(
        tried.iter().any(|t| t.contains(&case_id.to_string())),
        "a route with the case's id was tried: {tried:?}"
    );

    // 5. The live channel carries only a number, never content: every frame up to the
    // nudge of the last message.
    let frames = tokio::time::timeout(Duration::from_secs(15), async {
        let mut frames = Vec::new();
        loop {
            let frame = live.next().await.expect("the socket is open").unwrap();
            let text = frame.into_text().unwrap().to_string();
            let seq = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["seq"].as_i64());
            frames.push(text);
            if seq == Some(last_seq) {
                return frames;
            }
        }
    })
    .await
    .expect("the last message's nudge reaches the admin's socket");
    for text in frames {
        assert!(
            !text.contains(MARK),
            "the live channel carried chat: {text}"
        );
        let nudge: Value = serde_json::from_str(&text).unwrap();
        assert!(
            nudge
                .as_object()
                .is_some_and(|o| o.len() == 1 && o["seq"].is_i64()),
            "a nudge is only {{seq}}: {text}"
        );
    }
}

/// `template` with its `{parameters}` filled in: a content hash for `sha256`, the case's id
/// for anything else.
fn fill(template: &str, sha256: &str, case_id: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("a closed parameter") + open;
        let name = &rest[open + 1..close];
        out.push_str(if name == "sha256" { sha256 } else { case_id });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}
