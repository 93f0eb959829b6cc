//! `manifest.json`: writing it, reading it, and the two hashes that make a
//! version tamper-evident.
//!
//! - `fingerprint`: sha256 of the lines `"<sha256>  <path>\n"` of every data
//!   file, sorted by path (bytewise): exactly what `sha256sum` prints, so
//!   `LC_ALL=C sha256sum *.parquet *.jsonl | sha256sum` recomputes it in a
//!   version folder with no other files.
//! - `manifest_sha256`: sha256 of the manifest file's bytes with this value
//!   replaced by 64 zeros, so an edit of the manifest itself is caught too.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, IoContext, Result};
use crate::model::{FileEntry, Manifest};

/// The manifest's file name in a version folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What `manifest_sha256` holds while the manifest is hashed.
const SELF_HASH_PLACEHOLDER: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The fingerprint of a set of data files (see the module doc).
pub fn fingerprint(files: &[FileEntry]) -> String {
    let mut sorted: Vec<&FileEntry> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let listing: String = sorted
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    hex::encode(Sha256::digest(listing.as_bytes()))
}

/// Sets `fingerprint` and `manifest_sha256`, and returns the file's bytes.
pub fn seal(manifest: &mut Manifest) -> Vec<u8> {
    manifest.fingerprint = fingerprint(&manifest.files);
    manifest.manifest_sha256 = SELF_HASH_PLACEHOLDER.to_string();
    let unsealed = to_bytes(manifest);
    manifest.manifest_sha256 = hex::encode(Sha256::digest(&unsealed));
    to_bytes(manifest)
}

/// The manifest's canonical bytes: pretty JSON in field order, `\n` at the end.
pub fn to_bytes(manifest: &Manifest) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("a manifest always serialises");
    bytes.push(b'\n');
    bytes
}

/// The `manifest_sha256` that the bytes of a manifest file should carry,
/// given the value they claim.
pub fn self_hash(bytes: &[u8], claimed: &str) -> String {
    let text = String::from_utf8_lossy(bytes);
    let placeholder = text.replacen(claimed, SELF_HASH_PLACEHOLDER, 1);
    hex::encode(Sha256::digest(placeholder.as_bytes()))
}

/// Why a manifest that parses cannot be trusted: its bytes (`bytes`) no
/// longer hash to the `manifest_sha256` written into it.
pub fn changed_after_writing(manifest: &Manifest, bytes: &[u8]) -> Option<String> {
    let hashed = self_hash(bytes, &manifest.manifest_sha256);
    (hashed != manifest.manifest_sha256).then(|| {
        format!(
            "manifest_sha256 is {} but the manifest's bytes hash to {hashed}: the manifest was changed after it was written",
            manifest.manifest_sha256
        )
    })
}

/// Reads and parses a version's manifest, returning it with its raw bytes.
pub fn read(version_dir: &Path) -> Result<(Manifest, Vec<u8>)> {
    let path = version_dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).at(&path)?;
    let manifest = serde_json::from_slice(&bytes).map_err(|e| Error::Manifest {
        path: path.clone(),
        message: format!("not a valid manifest: {e}"),
    })?;
    Ok((manifest, bytes))
}

/// `SOURCE_DATE_EPOCH`, the reproducible-builds convention for a fixed time.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(None),
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => value.trim().parse().map(Some).map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH={value:?} is not a whole number of seconds; unset it or fix it"
            ))
        }),
    }
}

/// The time to record for work done now: `SOURCE_DATE_EPOCH` when set (so
/// that tests and reproducible pipelines get the same bytes), else the clock.
pub fn now_rfc3339() -> Result<String> {
    let seconds = match source_date_epoch()? {
        Some(seconds) => seconds,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(rfc3339_utc(seconds))
}

/// RFC 3339 UTC time of a Unix timestamp (for `SOURCE_DATE_EPOCH`).
pub fn rfc3339_utc(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let secs = epoch_seconds.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Whether `s` is an RFC 3339 date-time (`2026-11-24T10:00:00Z`, with an
/// optional fraction of a second and a `Z` or `+hh:mm` offset).
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let number = |range: std::ops::Range<usize>, min: u32, max: u32| {
        b.get(range)
            .filter(|digits| digits.iter().all(u8::is_ascii_digit))
            .map(|digits| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
            .is_some_and(|n| (min..=max).contains(&n))
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    let date_time = number(0..4, 0, 9999)
        && number(5..7, 1, 12)
        && number(8..10, 1, 31)
        && number(11..13, 0, 23)
        && number(14..16, 0, 59)
        && number(17..19, 0, 60)
        && separators.iter().all(|&(at, c)| b.get(at) == Some(&c))
        && matches!(b.get(10), Some(b'T' | b't'));
    if !date_time {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    let offset = rest.as_bytes();
    matches!(rest, "Z" | "z")
        || (offset.len() == 6
            && matches!(offset[0], b'+' | b'-')
            && offset[3] == b':'
            && rest[1..3].parse::<u32>().is_ok_and(|h| h <= 23)
            && rest[4..6].parse::<u32>().is_ok_and(|m| m <= 59))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_are_told_from_other_text() {
        for good in [
            "2026-11-24T10:00:00Z",
            "2026-11-24t10:00:00.123z",
            "1999-12-31T23:59:60+03:00",
            &rfc3339_utc(1_800_000_000),
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "",
            "zz",
            "2026-11-24",
            "2026-11-24 10:00:00Z",
            "2026-13-24T10:00:00Z",
            "2026-11-00T10:00:00Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T10:00:00",
            "2026-11-24T10:00:00.Z",
            "2026-11-24T10:00:00+3:00",
            "2026-11-24T10:00:00+03:60",
            "٢٠٢٦-11-24T10:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    fn entry(path: &str, sha: char) -> FileEntry {
        FileEntry {
            path: path.into(),
            table: "t".into(),
            format: "jsonl".into(),
            sha256: sha.to_string().repeat(64),
            bytes: 1,
            rows: 1,
        }
    }

    #[test]
    fn fingerprint_is_sha256sum_of_sorted_lines() {
        let files = [entry("b.jsonl", 'b'), entry("a.jsonl", 'a')];
        let listing = format!("{}  a.jsonl\n{}  b.jsonl\n", "a".repeat(64), "b".repeat(64));
        assert_eq!(
            fingerprint(&files),
            hex::encode(Sha256::digest(listing.as_bytes()))
        );
    }

    #[test]
    fn rfc3339_of_known_timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }
}
