//! Configuration: users, specialties, review types, disease categories, eligibility.

use domain::{Catalog, DiseaseCategory, ReviewType, Role, Specialty, User};
use sqlx::Row;

use crate::{parse_id, Conn, Result, StoreError};

/// Loads the whole configuration the rules consult.
pub async fn load(conn: &mut Conn) -> Result<Catalog> {
    let links: Vec<(String, String)> =
        sqlx::query_as("SELECT user_id, specialty_id FROM user_specialties ORDER BY specialty_id")
            .fetch_all(&mut *conn)
            .await?;
    let mut users = Vec::new();
    for row in sqlx::query("SELECT id, name, email, role, active FROM users ORDER BY role, name")
        .fetch_all(&mut *conn)
        .await?
    {
        let id: String = row.get("id");
        let role: String = row.get("role");
        users.push(User {
            id: parse_id(&id)?,
            name: row.get("name"),
            email: row.get("email"),
            role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
            specialty_ids: links
                .iter()
                .filter(|(u, _)| *u == id)
                .map(|(_, s)| parse_id(s))
                .collect::<Result<_>>()?,
            active: row.get("active"),
        });
    }
    let mut specialties = Vec::new();
    for row in sqlx::query("SELECT id, name_en, name_ar FROM specialties ORDER BY name_en")
        .fetch_all(&mut *conn)
        .await?
    {
        specialties.push(Specialty {
            id: parse_id(row.get("id"))?,
            name_en: row.get("name_en"),
            name_ar: row.get("name_ar"),
        });
    }
    let mut review_types = Vec::new();
    for row in sqlx::query(
        "SELECT id, name_en, name_ar, price_minor, currency, expected_review_days, specialty_id, active
         FROM review_types ORDER BY name_en",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        review_types.push(ReviewType {
            id: parse_id(row.get("id"))?,
            name_en: row.get("name_en"),
            name_ar: row.get("name_ar"),
            price_minor: row.get("price_minor"),
            currency: row.get("currency"),
            expected_review_days: row.get("expected_review_days"),
            specialty_id: parse_id(row.get("specialty_id"))?,
            active: row.get("active"),
        });
    }
    let mapped: Vec<(String, String)> =
        sqlx::query_as("SELECT category_id, provider_id FROM disease_category_providers")
            .fetch_all(&mut *conn)
            .await?;
    let mut disease_categories = Vec::new();
    for row in sqlx::query(
        "SELECT id, label_en, label_ar, specialty_id, active FROM disease_categories ORDER BY label_en",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let id: String = row.get("id");
        disease_categories.push(DiseaseCategory {
            id: parse_id(&id)?,
            label_en: row.get("label_en"),
            label_ar: row.get("label_ar"),
            specialty_id: parse_id(row.get("specialty_id"))?,
            provider_ids: mapped
                .iter()
                .filter(|(c, _)| *c == id)
                .map(|(_, p)| parse_id(p))
                .collect::<Result<_>>()?,
            active: row.get("active"),
        });
    }
    Ok(Catalog {
        users,
        specialties,
        review_types,
        disease_categories,
    })
}

/// Whether any user exists (an empty store gets the demo data).
pub async fn is_empty(conn: &mut Conn) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *conn)
        .await?;
    Ok(n == 0)
}

/// Writes the configuration `catalog` — the demo's into an empty store, or the server's,
/// pulled, over an older one. Rows are updated in
/// place rather than deleted, since cases point at users, review types and categories;
/// something the server no longer lists stays, as the server deactivates rather than
/// deletes.
pub async fn replace(conn: &mut Conn, catalog: &Catalog) -> Result<()> {
    for s in &catalog.specialties {
        sqlx::query(
            "INSERT INTO specialties (id, name_en, name_ar) VALUES (?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en, name_ar = excluded.name_ar",
        )
        .bind(s.id.to_string())
        .bind(&s.name_en)
        .bind(&s.name_ar)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM user_specialties")
        .execute(&mut *conn)
        .await?;
    for u in &catalog.users {
        sqlx::query(
            "INSERT INTO users (id, name, email, role, active) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
               role = excluded.role, active = excluded.active",
        )
        .bind(u.id.to_string())
        .bind(&u.name)
        .bind(&u.email)
        .bind(u.role.as_str())
        .bind(u.active)
        .execute(&mut *conn)
        .await?;
        for s in &u.specialty_ids {
            sqlx::query("INSERT INTO user_specialties (user_id, specialty_id) VALUES (?, ?)")
                .bind(u.id.to_string())
                .bind(s.to_string())
                .execute(&mut *conn)
                .await?;
        }
    }
    for r in &catalog.review_types {
        sqlx::query(
            "INSERT INTO review_types
             (id, name_en, name_ar, price_minor, currency, expected_review_days, specialty_id, active)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET name_en = excluded.name_en,
               name_ar = excluded.name_ar, price_minor = excluded.price_minor,
               currency = excluded.currency,
               expected_review_days = excluded.expected_review_days,
               specialty_id = excluded.specialty_id, active = excluded.active",
        )
        .bind(r.id.to_string())
        .bind(&r.name_en)
        .bind(&r.name_ar)
        .bind(r.price_minor)
        .bind(&r.currency)
        .bind(r.expected_review_days)
        .bind(r.specialty_id.to_string())
        .bind(r.active)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM disease_category_providers")
        .execute(&mut *conn)
        .await?;
    for c in &catalog.disease_categories {
        sqlx::query(
            "INSERT INTO disease_categories (id, label_en, label_ar, specialty_id, active)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET label_en = excluded.label_en,
               label_ar = excluded.label_ar, specialty_id = excluded.specialty_id,
               active = excluded.active",
        )
        .bind(c.id.to_string())
        .bind(&c.label_en)
        .bind(&c.label_ar)
        .bind(c.specialty_id.to_string())
        .bind(c.active)
        .execute(&mut *conn)
        .await?;
        for p in &c.provider_ids {
            sqlx::query(
                "INSERT INTO disease_category_providers (category_id, provider_id) VALUES (?, ?)",
            )
            .bind(c.id.to_string())
            .bind(p.to_string())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
