//! Numbers only the authority hands out, gap-free per name.

use crate::{Conn, Result};

/// The next value of counter `name` (1, 2, 3, …). Call inside the transaction that uses it,
/// so a rolled-back command leaves no gap.
pub async fn next(conn: &mut Conn, name: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO counters (name, value) VALUES (?, 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1
         RETURNING value",
    )
    .bind(name)
    .fetch_one(&mut *conn)
    .await?)
}
