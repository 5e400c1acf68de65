//! Numbers only the authority hands out, gap-free per name: their values, read before the
//! authority's step (`domain::authority`) and written back in the same transaction, so a
//! rolled-back command leaves no gap.

use crate::{Conn, Result};

/// The value of counter `name`: the last number handed out, 0 before the first.
pub async fn current(conn: &mut Conn, name: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT value FROM counters WHERE name = ?")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
    )
}

/// Sets counter `name` to `value` (the last number handed out).
pub async fn set(conn: &mut Conn, name: &str, value: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO counters (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(name)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
