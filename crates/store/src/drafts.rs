//! Opinion drafts: what a provider has written so far, per (user, case), on this computer
//! only. Not part of the replica: sync never reads or writes them.

use chrono::{DateTime, Utc};
use domain::{CaseId, OpinionInput, UserId};
use sqlx::Row;

use crate::{from_json, json, Conn, Result};

/// A saved draft and when it was saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpinionDraft {
    pub draft: OpinionInput,
    pub saved_at: DateTime<Utc>,
}

/// Saves (or replaces) `user`'s draft opinion on `case`.
pub async fn save_opinion(
    conn: &mut Conn,
    user: UserId,
    case: CaseId,
    draft: &OpinionInput,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO opinion_drafts (user_id, case_id, draft, saved_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, case_id) DO UPDATE SET draft = excluded.draft,
           saved_at = excluded.saved_at",
    )
    .bind(user.to_string())
    .bind(case.to_string())
    .bind(json(draft)?)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn opinion(conn: &mut Conn, user: UserId, case: CaseId) -> Result<Option<OpinionDraft>> {
    let row =
        sqlx::query("SELECT draft, saved_at FROM opinion_drafts WHERE user_id = ? AND case_id = ?")
            .bind(user.to_string())
            .bind(case.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|row| {
        Ok(OpinionDraft {
            draft: from_json(row.get::<&str, _>("draft"))?,
            saved_at: row.get("saved_at"),
        })
    })
    .transpose()
}

/// Forgets `user`'s draft on `case` (there may be none).
pub async fn delete_opinion(conn: &mut Conn, user: UserId, case: CaseId) -> Result<()> {
    sqlx::query("DELETE FROM opinion_drafts WHERE user_id = ? AND case_id = ?")
        .bind(user.to_string())
        .bind(case.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn draft(assessment: &str) -> OpinionInput {
        OpinionInput {
            assessment: assessment.into(),
            diagnosis: String::new(),
            recommendations: String::new(),
            answers: String::new(),
            references: String::new(),
        }
    }

    #[tokio::test]
    async fn a_draft_is_saved_replaced_read_and_deleted_per_user_and_case() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("db.sqlite3"))
            .await
            .unwrap();
        let mut conn = store.read().await.unwrap();
        let (me, other) = (UserId(Uuid::now_v7()), UserId(Uuid::now_v7()));
        let case = CaseId(Uuid::now_v7());
        let t1 = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let t2 = t1 + chrono::Duration::minutes(5);

        assert_eq!(opinion(&mut conn, me, case).await.unwrap(), None);
        save_opinion(&mut conn, me, case, &draft("first "), t1)
            .await
            .unwrap();
        save_opinion(&mut conn, me, case, &draft("second "), t2)
            .await
            .unwrap();
        let saved = opinion(&mut conn, me, case).await.unwrap().unwrap();
        assert_eq!(
            saved,
            OpinionDraft {
                draft: draft("second "),
                saved_at: t2
            },
            "the latest save wins, kept exactly as typed"
        );
        assert_eq!(
            opinion(&mut conn, other, case).await.unwrap(),
            None,
            "a draft is its author's only"
        );
        delete_opinion(&mut conn, me, case).await.unwrap();
        assert_eq!(opinion(&mut conn, me, case).await.unwrap(), None);
        delete_opinion(&mut conn, me, case).await.unwrap();
    }
}
