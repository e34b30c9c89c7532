//! Dates as CinetPay writes them: `YYYY-MM-DD HH:MM:SS`, UTC, computed by hand so the emulator
//! needs no date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// `(year, month, day, hour, minute, second)` of a Unix time, UTC.
fn parts(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
}

/// `YYYY-MM-DD HH:MM:SS`, as in `payment_date` and `cpm_trans_date`.
pub fn datetime(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = parts(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// `YYYY-MM-DD 00:00:00`, as in `fund_availability_date`.
pub fn midnight(secs: u64) -> String {
    let (y, mo, d, ..) = parts(secs);
    format!("{y:04}-{mo:02}-{d:02} 00:00:00")
}

/// An operator reference shaped like Orange Money's in CinetPay's sample,
/// `MP220915.2257.A76307`: date, hour and minute, then a random letter and five digits.
pub fn operator_id(secs: u64) -> String {
    let (y, mo, d, h, mi, _) = parts(secs);
    format!(
        "MP{:02}{mo:02}{d:02}.{h:02}{mi:02}.{}{:05}",
        y % 100,
        fastrand::uppercase(),
        fastrand::u32(0..100_000)
    )
}

/// Howard Hinnant's `civil_from_days`: the proleptic Gregorian date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        // 2022-09-15 22:57:15 UTC, the accepted sample in CinetPay's docs.
        assert_eq!(datetime(1_663_282_635), "2022-09-15 22:57:15");
        assert_eq!(midnight(1_663_282_635 + 2 * 86_400), "2022-09-17 00:00:00");
        // A leap day.
        assert_eq!(datetime(1_709_210_096), "2024-02-29 12:34:56");
    }

    #[test]
    fn operator_ids_look_like_the_sample() {
        let id = operator_id(1_663_282_635);
        assert!(id.starts_with("MP220915.2257."), "{id}");
        assert_eq!(id.len(), "MP220915.2257.A76307".len(), "{id}");
    }
}
