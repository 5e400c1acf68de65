//! Document content between this desktop and the server: content-addressed (SHA-256),
//! sent and fetched in resumable chunks, checked against its hash on both ends. The
//! protocol is in docs/sync.md, "Documents"; sync (`crate::sync`) calls the two entry
//! points, `upload_documents` before a push and `fetch_documents` for each pull page.
//!
//! Uploads keep no local state: the server keeps what arrived, and the client asks it where
//! to go on (`GET /v1/blobs/{sha256}/upload`) — after a cut connection and after a restart
//! of the app alike. Downloads keep each piece that arrived (`store::blobs` partial rows)
//! and ask for the rest with `Range`; the content becomes a document only once the SHA-256
//! of the whole matches. A mismatch stores nothing and is counted in the sync report.
//!
//! A connection that breaks mid-way is "offline" (`SyncErrorCode::Offline`) like any other:
//! the next sync picks up where this one stopped.

use std::collections::BTreeSet;

use domain::Command;
use protocol::CaseSnapshot;
use reqwest::header::{HeaderMap, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use reqwest::StatusCode;
use store::{blobs, outbox};

use crate::app::App;
use crate::error::{SyncError, SyncErrorCode};
use crate::remote::{check, send, server_error, ServerLink};

const UPLOAD_OFFSET: &str = protocol::UPLOAD_OFFSET_HEADER;
const UPLOAD_LENGTH: &str = protocol::UPLOAD_LENGTH_HEADER;
const OCTETS: &str = "application/octet-stream";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Progress {
    /// The bytes it has; the next chunk starts here.
    offset: u64,
    /// The declared total.
    length: u64,
}

/// What became of one document to fetch.
enum Fetched {
    Stored,
    /// The server has no such content for this user (any more).
    Missing,
    /// What arrived does not match the document's SHA-256 or size: nothing stored.
    Rejected,
}

impl App {
    /// Sets the size of the pieces documents are sent and fetched in (default 1 MiB;
    /// between 1 byte and 4 MiB). For tests, and for very slow links where a smaller
    /// piece loses less when the connection breaks.
    pub fn set_transfer_chunk_bytes(&self, bytes: usize) {
        self.sync_runtime().transfer.set_chunk_bytes(bytes);
    }

    fn chunk_bytes(&self) -> u64 {
        self.sync_runtime().transfer.chunk_bytes()
    }

    /// Uploads the content of every document the commands of `batch` attach that the
    /// server is not known to have, each resuming where the server's copy ends.
    pub(crate) async fn upload_documents(
        &self,
        server: &ServerLink,
        token: &str,
        batch: &[outbox::Entry],
    ) -> Result<(), SyncError> {
        let mut hashes = BTreeSet::new();
        for entry in batch {
            let documents = match &entry.command {
                Command::Case(c) => c.documents(),
                Command::Chat(c) => c.documents(),
                Command::Patient(_) | Command::Preference(_) | Command::Config(_) => Vec::new(),
            };
            hashes.extend(documents.into_iter().map(|d| d.sha256.clone()));
        }
        for sha in hashes {
            let content = {
                let mut conn = self.store().read().await?;
                if blobs::is_on_server(&mut conn, &sha).await? {
                    continue;
                }
                blobs::get(&mut conn, &sha).await?
            };
            // Missing content: the server refuses the command with its reason.
            let Some(content) = content else { continue };
            if blobs::sha256_hex(&content) != sha {
                // Damaged on this disk: sending it would only be refused, again and again;
                // the command that attaches it is refused for the missing content instead.
                tracing::error!("a stored document does not match its hash; not sent");
                continue;
            }
            self.upload(server, token, &sha, &content).await?;
            let mut conn = self.store().read().await?;
            blobs::mark_on_server(&mut conn, &sha).await?;
        }
        Ok(())
    }

    /// Sends `content` from where the server's copy ends, one chunk per request.
    async fn upload(
        &self,
        server: &ServerLink,
        token: &str,
        sha: &str,
        content: &[u8],
    ) -> Result<(), SyncError> {
        let length = content.len() as u64;
        let mut offset = self.upload_start(server, token, sha, length).await?;
        // One realignment per chunk: an answer lost on the way makes the server one chunk
        // ahead of us, which it says with a 409 and its offset.
        let mut realigned = false;
        while offset < length {
            let end = (offset + self.chunk_bytes()).min(length);
            let response = send(
                self.sync_runtime()
                    .http
                    .put(format!("{}/v1/blobs/{sha}/upload/{offset}", server.url))
                    .bearer_auth(token)
                    .header(UPLOAD_LENGTH, length)
                    .header(CONTENT_TYPE, OCTETS)
                    .body(content[offset as usize..end as usize].to_vec()),
            )
            .await?;
            let status = response.status();
            if status.is_success() {
                let progress = progress(response.headers())
                    .filter(|p| p.length == length && p.offset > offset && p.offset <= length)
                    .ok_or_else(|| unexpected("an upload answer without a sensible offset"))?;
                offset = progress.offset;
                realigned = false;
            } else if matches!(status, StatusCode::CONFLICT | StatusCode::NOT_FOUND) && !realigned {
                tracing::info!(%status, "upload out of step with the server; asking where to go on");
                offset = self.upload_start(server, token, sha, length).await?;
                realigned = true;
            } else {
                return Err(server_error(response).await);
            }
        }
        Ok(())
    }

    /// Where to start sending `sha`: where the server's copy ends, 0 when it has none, the
    /// end when it has it all. An upload the server knows with another length is given up.
    async fn upload_start(
        &self,
        server: &ServerLink,
        token: &str,
        sha: &str,
        length: u64,
    ) -> Result<u64, SyncError> {
        let url = format!("{}/v1/blobs/{sha}/upload", server.url);
        let http = &self.sync_runtime().http;
        let response = send(http.get(&url).bearer_auth(token)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(0);
        }
        let response = check(response).await?;
        let progress = progress(response.headers())
            .ok_or_else(|| unexpected("an upload status without offset and length"))?;
        if progress.length == length && progress.offset <= length {
            return Ok(progress.offset);
        }
        tracing::warn!(
            "the server has an upload of this content with another length; restarting it"
        );
        let response = send(http.delete(&url).bearer_auth(token)).await?;
        if response.status() != StatusCode::NOT_FOUND {
            check(response).await?;
        }
        Ok(0)
    }

    /// Downloads the content of pulled documents this desktop does not have, resuming
    /// what an earlier attempt left, and stores each whose SHA-256 matches. How many did
    /// not match: nothing of them is stored, and they are fetched again when their case
    /// next comes in a pull (a cut connection instead fails the sync before the pull page
    /// is stored, so the same page, and the download, resume next time).
    pub(crate) async fn fetch_documents(
        &self,
        server: &ServerLink,
        token: &str,
        cases: &[CaseSnapshot],
        messages: &[domain::ChatMessage],
    ) -> Result<usize, SyncError> {
        let mut rejected = 0;
        let documents = cases
            .iter()
            .flat_map(|s| s.case.documents.iter())
            .chain(messages.iter().filter_map(|m| m.attachment.as_ref()));
        {
            for doc in documents {
                {
                    let mut conn = self.store().read().await?;
                    if blobs::size(&mut conn, &doc.sha256).await?.is_some() {
                        continue;
                    }
                }
                let size = u64::from(doc.size_bytes);
                match self.download(server, token, &doc.sha256, size).await? {
                    Fetched::Stored => {}
                    Fetched::Missing => {
                        tracing::warn!("a document's content is not on the server");
                    }
                    Fetched::Rejected => {
                        tracing::warn!("a downloaded document does not match its hash; dropped");
                        rejected += 1;
                    }
                }
            }
        }
        Ok(rejected)
    }

    /// Fetches `sha` (`size` bytes) piece by piece with `Range`, after what is already here.
    async fn download(
        &self,
        server: &ServerLink,
        token: &str,
        sha: &str,
        size: u64,
    ) -> Result<Fetched, SyncError> {
        let mut have = {
            let mut conn = self.store().read().await?;
            blobs::partial_len(&mut conn, sha).await? as u64
        };
        if have > size {
            self.drop_partial(sha).await?;
            have = 0;
        }
        while have < size {
            let last = (have + self.chunk_bytes()).min(size) - 1;
            let response = send(
                self.sync_runtime()
                    .http
                    .get(format!("{}/v1/blobs/{sha}", server.url))
                    .bearer_auth(token)
                    .header(RANGE, format!("bytes={have}-{last}")),
            )
            .await?;
            match response.status() {
                StatusCode::PARTIAL_CONTENT => {
                    let range = content_range(response.headers());
                    if range != Some((have, last, size)) {
                        // The server's idea of this content is not the document's.
                        self.drop_partial(sha).await?;
                        return Ok(Fetched::Rejected);
                    }
                    // A connection cut here loses this piece only: an error, offline.
                    let piece = response.bytes().await?;
                    if piece.len() as u64 != last - have + 1 {
                        return Err(unexpected("a piece of a document of the wrong length"));
                    }
                    let mut conn = self.store().read().await?;
                    blobs::append_partial(&mut conn, sha, have as i64, &piece, self.now()).await?;
                    have += piece.len() as u64;
                }
                // A server that ignores `Range` sends the whole.
                StatusCode::OK => {
                    let whole = response.bytes().await?;
                    return self.keep_if_matching(sha, size, whole.to_vec()).await;
                }
                StatusCode::NOT_FOUND => {
                    self.drop_partial(sha).await?;
                    return Ok(Fetched::Missing);
                }
                StatusCode::RANGE_NOT_SATISFIABLE => {
                    self.drop_partial(sha).await?;
                    return Ok(Fetched::Rejected);
                }
                _ => return Err(server_error(response).await),
            }
        }
        let content = {
            let mut conn = self.store().read().await?;
            blobs::partial_content(&mut conn, sha).await?
        };
        self.keep_if_matching(sha, size, content).await
    }

    /// Stores `content` as the document `sha` if it is `size` bytes with that SHA-256; the
    /// partial download goes either way.
    async fn keep_if_matching(
        &self,
        sha: &str,
        size: u64,
        content: Vec<u8>,
    ) -> Result<Fetched, SyncError> {
        let matches = content.len() as u64 == size && blobs::sha256_hex(&content) == sha;
        let mut tx = self.store().begin().await?;
        if matches {
            blobs::put(&mut tx, &content, self.now()).await?;
            blobs::mark_on_server(&mut tx, sha).await?;
        }
        blobs::drop_partial(&mut tx, sha).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        Ok(if matches {
            Fetched::Stored
        } else {
            Fetched::Rejected
        })
    }

    async fn drop_partial(&self, sha: &str) -> Result<(), SyncError> {
        let mut conn = self.store().read().await?;
        blobs::drop_partial(&mut conn, sha).await?;
        Ok(())
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn progress(headers: &HeaderMap) -> Option<Progress> {
    Some(Progress {
        offset: header_u64(headers, UPLOAD_OFFSET)?,
        length: header_u64(headers, UPLOAD_LENGTH)?,
    })
}

/// `Content-Range: bytes N-M/size` → `(N, M, size)`.
fn content_range(headers: &HeaderMap) -> Option<(u64, u64, u64)> {
    let text = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let (range, size) = text.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?, size.parse().ok()?))
}

fn unexpected(what: &str) -> SyncError {
    tracing::warn!(what, "the server answered unexpectedly");
    SyncError {
        code: SyncErrorCode::Server,
        message: "The server answered a document transfer unexpectedly.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_from_their_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_RANGE, "bytes 5-9/20".parse().unwrap());
        headers.insert(UPLOAD_OFFSET, "7".parse().unwrap());
        headers.insert(UPLOAD_LENGTH, "20".parse().unwrap());
        assert_eq!(content_range(&headers), Some((5, 9, 20)));
        assert_eq!(
            progress(&headers),
            Some(Progress {
                offset: 7,
                length: 20
            })
        );
        headers.insert(CONTENT_RANGE, "bytes */20".parse().unwrap());
        assert_eq!(
            content_range(&headers),
            None,
            "an unsatisfiable range is no range"
        );
        headers.remove(UPLOAD_LENGTH);
        assert_eq!(progress(&headers), None, "both headers are needed");
    }
}
