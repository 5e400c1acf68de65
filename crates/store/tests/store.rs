//! The store on real SQLite files in fresh temporary directories.

use chrono::{TimeZone, Utc};
use domain::{Actor, CaseCommand, CaseId, Command, CommandId, Role, UserId};
use store::{blobs, counters, meta, outbox, Store};
use uuid::Uuid;

async fn open() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("test.sqlite3")).await.unwrap();
    (store, dir)
}

#[tokio::test]
async fn opens_in_wal_mode_and_keeps_data_across_reopening() {
    let (store, dir) = open().await;
    assert_eq!(
        store.journal_mode().await.unwrap(),
        "wal",
        "the store runs in WAL mode"
    );
    let mut tx = store.begin().await.unwrap();
    meta::set(&mut tx, "cursor", "42").await.unwrap();
    tx.commit().await.unwrap();
    store.close().await;
    let again = Store::open(&dir.path().join("test.sqlite3")).await.unwrap();
    let mut conn = again.read().await.unwrap();
    assert_eq!(
        meta::get(&mut conn, "cursor").await.unwrap().as_deref(),
        Some("42")
    );
}

#[tokio::test]
async fn content_is_stored_once_per_hash() {
    let (store, _dir) = open().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let mut tx = store.begin().await.unwrap();
    let a = blobs::put(&mut tx, b"same bytes", now).await.unwrap();
    let b = blobs::put(&mut tx, b"same bytes", now).await.unwrap();
    let c = blobs::put(&mut tx, b"other bytes", now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    // SHA-256("abc"), the FIPS 180-2 test vector: the hash is the real one, lower-case hex.
    assert_eq!(
        blobs::sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut conn = store.read().await.unwrap();
    assert_eq!(
        blobs::count(&mut conn).await.unwrap(),
        2,
        "two distinct contents, two rows"
    );
    assert_eq!(
        blobs::get(&mut conn, &a).await.unwrap().as_deref(),
        Some(&b"same bytes"[..])
    );
}

#[tokio::test]
async fn the_outbox_keeps_order_and_refuses_a_command_id_twice() {
    let (store, _dir) = open().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let actor = Actor::new(UserId(Uuid::now_v7()), Role::Requester);
    let ids: Vec<CommandId> = (0..3).map(|_| CommandId(Uuid::now_v7())).collect();
    let command = |n: u128| {
        Command::Case(CaseCommand::Submit {
            case_id: CaseId(Uuid::from_u128(n)),
        })
    };
    let mut tx = store.begin().await.unwrap();
    for (n, id) in ids.iter().enumerate() {
        outbox::append(
            &mut tx,
            *id,
            actor,
            now,
            &command(n as u128),
            outbox::State::Pending,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let again = outbox::append(
        &mut tx,
        ids[1],
        actor,
        now,
        &command(9),
        outbox::State::Pending,
    )
    .await;
    assert!(again.is_err(), "a command id is stored at most once");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let refusal = domain::Refusal::invalid_status("The case has already been submitted.");
    outbox::decide(&mut tx, ids[0], None, now).await.unwrap();
    outbox::decide(&mut tx, ids[2], Some(&refusal), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.read().await.unwrap();
    let entries = outbox::list(&mut conn).await.unwrap();
    assert_eq!(
        entries.iter().map(|e| e.command_id).collect::<Vec<_>>(),
        ids
    );
    assert_eq!(
        entries[1].command,
        command(1),
        "the command round-trips as it was issued"
    );
    assert_eq!(
        entries.iter().map(|e| e.state).collect::<Vec<_>>(),
        [
            outbox::State::Accepted,
            outbox::State::Pending,
            outbox::State::Refused
        ]
    );
    assert_eq!(
        entries[2].refusal,
        Some((
            "invalid_status".into(),
            "The case has already been submitted.".into()
        ))
    );
    assert_eq!(outbox::pending_count(&mut conn).await.unwrap(), 1);
}

#[tokio::test]
async fn counters_keep_their_value_and_roll_back_with_their_transaction() {
    let (store, _dir) = open().await;
    let mut tx = store.begin().await.unwrap();
    let name = "case-reference-2026";
    assert_eq!(
        counters::current(&mut tx, name).await.unwrap(),
        0,
        "unset is 0"
    );
    counters::set(&mut tx, name, 2).await.unwrap();
    assert_eq!(counters::current(&mut tx, name).await.unwrap(), 2);
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    counters::set(&mut tx, name, 3).await.unwrap();
    drop(tx); // rolled back: a refused command must not burn a number
    let mut tx = store.begin().await.unwrap();
    assert_eq!(counters::current(&mut tx, name).await.unwrap(), 2);
    assert_eq!(
        counters::current(&mut tx, "case-reference-2027")
            .await
            .unwrap(),
        0,
        "each name counts on its own"
    );
}
