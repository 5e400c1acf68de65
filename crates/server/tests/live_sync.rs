//! The background sync of a real desktop core (`App::start_sync`) with the server's live
//! channel: a change another desktop pushes arrives without anyone asking, and leaving
//! the server for standalone work closes the channel and keeps nothing of the server's.
//!
//! The periodic sync runs every 30 s; each wait below gives up long before that, so
//! only the live channel can make these tests pass. Waits are on the app's own signals
//! (`watch_live`, `watch_synced`), never on sleeps.

mod support;

use std::future::Future;
use std::time::Duration;

use domain::CaseId;
use so_core::{App, Authority, SyncErrorCode, TokenStore};
use support::desktop::{desk, requester_work, Net, Proxy};
use support::spawn_app;
use tokio::sync::watch;

/// Well under the 30 s poll: passing within it proves the live channel did the work.
const WAIT: Duration = Duration::from_secs(15);

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(WAIT, future)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

async fn wait_until(rx: &mut watch::Receiver<bool>, want: bool) {
    rx.wait_for(|v| *v == want).await.expect("the app is alive");
}

/// Waits, sync by sync, until `app` shows the case.
async fn arrives(app: &App, case_id: CaseId) {
    let mut synced = app.watch_synced();
    let waited = tokio::time::timeout(WAIT, async {
        while app.get_case(case_id).await.is_err() {
            synced.changed().await.expect("the app is alive");
        }
    })
    .await;
    if waited.is_err() {
        panic!(
            "the case did not arrive: {:?}; status {:?}",
            app.get_case(case_id).await.err(),
            app.sync_status().await
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_pushed_by_another_desktop_arrives_through_the_live_channel() {
    let server = spawn_app().await;
    // The desk keeps its data folder: only its app moves into the Arc.
    let admin_desk = desk(&server.url(""), support::ADMIN).await;
    let admin = admin_desk.app.clone();
    let requester = desk(&server.url(""), support::REQUESTER).await;

    let mut live = admin.watch_live();
    let _sync = admin.start_sync();
    within("the admin's live channel", wait_until(&mut live, true)).await;
    assert!(
        admin.sync_status().await.unwrap().live,
        "the status shows the channel"
    );

    // The requester submits and sends; the admin does nothing.
    let case_id = requester_work(&requester.app).await;
    requester
        .app
        .sync_once()
        .await
        .expect("the requester's push");

    arrives(&admin, case_id).await;
    let seen = admin.get_case(case_id).await.unwrap();
    assert!(
        seen.summary.reference.is_some(),
        "the admin's replica holds the server's version, with its reference"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_channel_comes_back_after_the_network_does() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let admin_desk = desk(&proxy.url(), support::ADMIN).await;
    let admin = admin_desk.app.clone();
    let requester = desk(&server.url(""), support::REQUESTER).await;
    let mut live = admin.watch_live();
    let _sync = admin.start_sync();
    within("the first live channel", wait_until(&mut live, true)).await;

    proxy.set(Net::Down);
    within("the channel to close", wait_until(&mut live, false)).await;
    let case_id = requester_work(&requester.app).await;
    requester.app.sync_once().await.unwrap();
    assert!(
        admin.get_case(case_id).await.is_err(),
        "offline, the admin cannot have the case yet"
    );

    // Back online: the channel reopens (retry after 1 s, doubling) and, reopened,
    // syncs what was committed while it was closed.
    proxy.set(Net::Up);
    within("the channel to reopen", wait_until(&mut live, true)).await;
    arrives(&admin, case_id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn going_back_to_standalone_needs_sent_work_and_leaves_nothing_of_the_servers() {
    let server = spawn_app().await;
    let proxy = Proxy::start(server.addr).await;
    let requester = desk(&proxy.url(), support::REQUESTER).await;
    let app = requester.app.clone();
    let mut live = app.watch_live();
    let _sync = app.start_sync();
    within("the live channel", wait_until(&mut live, true)).await;

    // Unsent work: refused, nothing changes.
    proxy.set(Net::Down);
    let case_id = requester_work(&app).await;
    let before = app.store().fingerprint().await.unwrap();
    let refused = app.disconnect().await.expect_err("work waits to be sent");
    assert_eq!(refused.code, SyncErrorCode::Conflict);
    assert_eq!(
        app.store().fingerprint().await.unwrap(),
        before,
        "a refused disconnect changes nothing"
    );
    assert!(matches!(app.authority(), Authority::Server(_)));

    // Sent: the desktop leaves the server.
    proxy.set(Net::Up);
    app.sync_once().await.expect("the work goes out");
    app.disconnect().await.expect("disconnect");
    within("the channel to close", wait_until(&mut live, false)).await;
    assert!(matches!(app.authority(), Authority::Standalone));
    let status = app.sync_status().await.unwrap();
    assert_eq!(status.server_url, None);
    assert!(!status.signed_in && !status.live);
    let kept = TokenStore::Memory(requester.tokens.clone())
        .load(&proxy.url())
        .await
        .unwrap();
    assert!(kept.is_none(), "the server's session is forgotten");

    // Standalone again: the demo is back and the server's case is gone.
    let users = app.list_users().await.unwrap();
    assert!(users.len() > 3, "the demo users are back");
    app.sign_in_as(users[0].id).await.unwrap();
    let mut conn = app.store().read().await.unwrap();
    assert!(
        store::cases::get(&mut conn, case_id)
            .await
            .unwrap()
            .is_none(),
        "the server's case did not stay on this computer"
    );
}
