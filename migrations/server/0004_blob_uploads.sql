-- Resumable, chunked upload of document content (docs/sync.md, "Documents").
-- Forward-only.
--
-- An upload belongs to the user who started it: it is keyed by (content hash, uploader),
-- so nobody else can see, resume or spoil it. Its chunks arrive in order, each a row of
-- its own (appending to one bytea would rewrite it on every chunk); when the last one
-- arrives the server hashes the whole, and only when the SHA-256 matches does the content
-- enter `blobs`, where it can be read. The upload and its chunks are then deleted; so are
-- uploads nobody has added to for a long time (`uploads::drop_stale_uploads`).

CREATE TABLE blob_uploads (
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The declared size (`Upload-Length`), within the document size limit.
    size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
    -- The bytes received so far: the next chunk must start here.
    received    bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size_bytes),
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (sha256, uploaded_by)
);
CREATE INDEX blob_uploads_updated_at ON blob_uploads (updated_at);

CREATE TABLE blob_upload_chunks (
    sha256      text NOT NULL,
    uploaded_by uuid NOT NULL,
    start_byte  bigint NOT NULL CHECK (start_byte >= 0),
    content     bytea NOT NULL CHECK (length(content) > 0),
    PRIMARY KEY (sha256, uploaded_by, start_byte),
    FOREIGN KEY (sha256, uploaded_by) REFERENCES blob_uploads (sha256, uploaded_by)
        ON DELETE CASCADE
);

-- Range reads (`GET /v1/blobs/{sha256}` with `Range`) take slices of the content. Stored
-- uncompressed, a slice reads only the pages it needs instead of inflating the whole
-- document for every piece. Applies to content written from now on.
ALTER TABLE blobs ALTER COLUMN content SET STORAGE EXTERNAL;
ALTER TABLE blob_upload_chunks ALTER COLUMN content SET STORAGE EXTERNAL;
