-- Document content being downloaded from the server (docs/sync.md, "Documents").
-- Forward-only.
--
-- Each piece that arrived is a row of its own, so an interrupted download keeps what it
-- has and asks the server for the rest (`Range: bytes=N-M`), after a cut connection or a
-- restart alike. When everything is there and its SHA-256 matches, the content moves to
-- `blobs` and these rows go; a mismatch drops them and stores nothing.
CREATE TABLE partial_downloads (
    sha256     TEXT NOT NULL,
    start_byte INTEGER NOT NULL CHECK (start_byte >= 0),
    content    BLOB NOT NULL CHECK (length(content) > 0),
    created_at TEXT NOT NULL,
    PRIMARY KEY (sha256, start_byte)
);
