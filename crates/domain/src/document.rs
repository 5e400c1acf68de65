//! A document's metadata as the rules accept it (its content is hashed when it is staged
//! and checked against the hash by whoever stores it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::case::{Document, DocumentKind};
use crate::ids::DocumentId;
use crate::refusal::{Refusal, RefusalCode};
use crate::{limits, text, MAX_DOCUMENT_BYTES};

/// A document whose content is already in the content store (staged by its hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInput {
    pub name: String,
    pub kind: DocumentKind,
    pub media_type: String,
    pub sha256: String,
    pub size_bytes: u32,
}

/// Checks a document's metadata; its content was hashed when it was staged.
pub fn parse_document(
    id: DocumentId,
    d: &DocumentInput,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Document, Refusal> {
    let name = text::required("name", "The document name", &d.name, limits::DOCUMENT_NAME)?;
    if name.contains(['/', '\\']) {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "name",
            "A document name cannot contain slashes.",
        ));
    }
    let media_type = text::required(
        "mediaType",
        "The media type",
        &d.media_type,
        limits::MEDIA_TYPE,
    )?;
    let valid_media = media_type.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && media_type
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/+-.;= ".contains(c))
    });
    if !valid_media {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "mediaType",
            "The media type is not valid.",
        ));
    }
    if d.sha256.len() != 64
        || !d
            .sha256
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "sha256",
            "The document hash is not a SHA-256.",
        ));
    }
    check_document_size(u64::from(d.size_bytes))?;
    Ok(Document {
        id,
        name,
        kind: d.kind,
        media_type,
        sha256: d.sha256.clone(),
        size_bytes: d.size_bytes,
        uploaded_by: actor.id,
        uploaded_at: now,
    })
}

/// The document size rule, for the content store to check before it stores anything.
pub fn check_document_size(size: u64) -> Result<(), Refusal> {
    if size == 0 {
        return Err(Refusal::field(
            RefusalCode::InvalidInput,
            "document",
            "The file is empty.",
        ));
    }
    if size > u64::from(MAX_DOCUMENT_BYTES) {
        return Err(Refusal::field(
            RefusalCode::TooLarge,
            "document",
            format!(
                "The file is {:.1} MiB; the limit is {} MiB.",
                size as f64 / 1_048_576.0,
                MAX_DOCUMENT_BYTES / 1_048_576
            ),
        ));
    }
    Ok(())
}
