//! The sandbox provider's callback signature, shaped like the ones real providers use:
//!
//! ```text
//! So-Sandbox-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
//! ```
//!
//! `v1` is the lower-case hex HMAC-SHA256, under the shared secret, of `"{t}.{body}"`: the
//! Unix time of signing, a dot, and the raw request body, byte for byte. Signing the time
//! with the body is what makes an old callback useless to replay: it is refused once it is
//! older than [`TOLERANCE`], and within that window the receiver keeps each event id once.
//! Several `v1=` entries may be sent (while a secret is being rotated); one match is enough.
//! Unknown entries are ignored, so the scheme can grow.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The request header that carries the signature.
pub const HEADER: &str = "So-Sandbox-Signature";

/// How far the signing time may be from the receiver's clock, either way: 5 minutes.
pub const TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;

type HmacSha256 = Hmac<Sha256>;

/// A signing secret. Its `Debug` never shows it; it is never logged.
#[derive(Clone)]
pub struct Secret(Arc<[u8]>);

impl Secret {
    /// 32 bytes from the operating system's random source.
    pub fn generate() -> Secret {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Secret(Arc::from(&bytes[..]))
    }

    /// A configured secret (e.g. the text of an environment variable), at least
    /// [`MIN_SECRET_BYTES`] long.
    pub fn new(bytes: impl AsRef<[u8]>) -> Result<Secret, SecretTooShort> {
        let bytes = bytes.as_ref();
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(SecretTooShort);
        }
        Ok(Secret(Arc::from(bytes)))
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }

    /// HMAC-SHA256 of `parts`, one after the other.
    pub(crate) fn digest(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.mac();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the HMAC of `parts`, compared in constant time. A `tag` shorter
    /// than the HMAC is compared with its prefix (link tokens carry 16 of its 32 bytes).
    pub(crate) fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        let mut mac = self.mac();
        for part in parts {
            mac.update(part);
        }
        if tag.len() == 32 {
            mac.verify_slice(tag).is_ok()
        } else {
            mac.verify_truncated_left(tag).is_ok()
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a payment secret must be at least {MIN_SECRET_BYTES} bytes long")]
pub struct SecretTooShort;

/// Why a signature was refused. Deliberately coarse towards the sender: anything but
/// [`SignatureError::Stale`] is "invalid signature".
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header is not `t=<unix time>,v1=<hex>`")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
    /// Signed too long ago (or too far ahead): a replay, or a clock far off.
    #[error("the callback was signed {age_secs} s before now; at most {} s are accepted", TOLERANCE.num_seconds())]
    Stale { age_secs: i64 },
}

/// The header value for `body` signed at `at`.
pub fn sign(secret: &Secret, at: DateTime<Utc>, body: &[u8]) -> String {
    let t = at.timestamp();
    let tag = secret.digest(&[t.to_string().as_bytes(), b".", body]);
    format!("t={t},v1={}", hex::encode(tag))
}

/// Checks `header` (the value of [`HEADER`], `None` when absent) against `body` at `now`:
/// the signature first, then the time. Returns the signing time.
pub fn verify(
    secret: &Secret,
    header: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut t: Option<i64> = None;
    let mut tags: Vec<Vec<u8>> = Vec::new();
    for entry in header.split(',') {
        let (key, value) = entry
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                let parsed = value.parse().map_err(|_| SignatureError::Malformed)?;
                if t.replace(parsed).is_some() {
                    return Err(SignatureError::Malformed);
                }
            }
            "v1" => {
                let tag = hex::decode(value).map_err(|_| SignatureError::Malformed)?;
                if tag.len() != 32 {
                    return Err(SignatureError::Malformed);
                }
                tags.push(tag);
            }
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if tags.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let signed = t.to_string();
    let parts: [&[u8]; 3] = [signed.as_bytes(), b".", body];
    if !tags.iter().any(|tag| secret.verify(&parts, tag)) {
        return Err(SignatureError::Mismatch);
    }
    let at = DateTime::<Utc>::from_timestamp(t, 0).ok_or(SignatureError::Malformed)?;
    let age = now - at;
    if age.abs() > TOLERANCE {
        return Err(SignatureError::Stale {
            age_secs: age.num_seconds(),
        });
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new("test-secret-of-enough-length").unwrap()
    }

    fn at(unix: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(unix, 0).unwrap()
    }

    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment.succeeded"}"#;
    const NOW: i64 = 1_767_225_600;

    #[test]
    fn a_signature_made_now_verifies() {
        let header = sign(&secret(), at(NOW), BODY);
        assert!(header.starts_with(&format!("t={NOW},v1=")), "{header}");
        assert_eq!(
            verify(&secret(), Some(&header), BODY, at(NOW + 3)),
            Ok(at(NOW))
        );
    }

    #[test]
    fn a_known_vector_matches() {
        // The scheme by hand: HMAC-SHA256 under the secret of "{t}.{body}", in hex.
        let secret = Secret::new("0123456789abcdef").unwrap();
        let header = sign(&secret, at(1), b"x");
        let mut mac = HmacSha256::new_from_slice(b"0123456789abcdef").unwrap();
        mac.update(b"1.x");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(header, format!("t=1,v1={expected}"));
    }

    #[test]
    fn a_tampered_body_is_refused() {
        let header = sign(&secret(), at(NOW), BODY);
        let tampered = br#"{"id":"evt_1","type":"payment.succeedeD"}"#;
        assert_eq!(
            verify(&secret(), Some(&header), tampered, at(NOW)),
            Err(SignatureError::Mismatch),
            "one changed byte of the body must break the signature"
        );
    }

    #[test]
    fn a_changed_timestamp_is_refused() {
        let header = sign(&secret(), at(NOW), BODY);
        let moved = header.replace(&format!("t={NOW}"), &format!("t={}", NOW + 60));
        assert_eq!(
            verify(&secret(), Some(&moved), BODY, at(NOW)),
            Err(SignatureError::Mismatch),
            "the time is signed with the body: moving it breaks the signature"
        );
    }

    #[test]
    fn another_secret_is_refused() {
        let header = sign(
            &Secret::new("someone-else's-secret").unwrap(),
            at(NOW),
            BODY,
        );
        assert_eq!(
            verify(&secret(), Some(&header), BODY, at(NOW)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn old_and_future_signatures_are_stale() {
        let old = sign(&secret(), at(NOW - 301), BODY);
        assert_eq!(
            verify(&secret(), Some(&old), BODY, at(NOW)),
            Err(SignatureError::Stale { age_secs: 301 }),
            "a callback signed more than 5 minutes ago is a replay"
        );
        let edge = sign(&secret(), at(NOW - 300), BODY);
        assert!(verify(&secret(), Some(&edge), BODY, at(NOW)).is_ok());
        let ahead = sign(&secret(), at(NOW + 301), BODY);
        assert_eq!(
            verify(&secret(), Some(&ahead), BODY, at(NOW)),
            Err(SignatureError::Stale { age_secs: -301 })
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let good = sign(&secret(), at(NOW), BODY);
        let v1 = good.split_once(",v1=").unwrap().1.to_string();
        for header in [
            String::new(),
            "garbage".to_string(),
            format!("v1={v1}"),
            format!("t={NOW}"),
            format!("t=soon,v1={v1}"),
            format!("t={NOW},v1=zz{}", &v1[2..]),
            format!("t={NOW},v1={}", &v1[..40]),
            format!("t={NOW},t={NOW},v1={v1}"),
        ] {
            assert_eq!(
                verify(&secret(), Some(&header), BODY, at(NOW)),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
        assert_eq!(
            verify(&secret(), None, BODY, at(NOW)),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn one_matching_entry_of_several_is_enough() {
        let good = sign(&secret(), at(NOW), BODY);
        let other = sign(&Secret::new("the-previous-secret!").unwrap(), at(NOW), BODY);
        let other_v1 = other.split_once(",v1=").unwrap().1;
        let header = format!("{good},v1={other_v1},v0=ignored");
        assert!(verify(&secret(), Some(&header), BODY, at(NOW)).is_ok());
    }

    #[test]
    fn secrets_are_long_enough_and_never_shown() {
        assert_eq!(Secret::new("short").unwrap_err(), SecretTooShort);
        let s = Secret::new("a-long-enough-secret").unwrap();
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert_ne!(
            Secret::generate().digest(&[b"x"]),
            Secret::generate().digest(&[b"x"]),
            "generated secrets are random"
        );
    }
}
