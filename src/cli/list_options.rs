//! What `list` takes beyond the state and the limit: `--since` for runs (a time ago or an
//! instant) and `--columns` (the table's columns by name, in the order given).

use jiff::{SignedDuration, Timestamp};

use super::output::{self, Column};
use crate::domain::Kind;

/// `--since 30m|2h|1d|1w` (that long before `now`) or an RFC 3339 instant
/// (`2026-11-22T08:00:00Z`). Hand-rolled for the units: jiff's friendly durations have no days
/// without a calendar, and a day here is 24 hours.
pub fn since(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let bad = || {
        format!(
            "--since {text:?}: give a time ago (30m, 2h, 1d, 1w; also s) or an RFC 3339 time such as 2026-11-22T08:00:00Z"
        )
    };
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    let ago = SignedDuration::from_secs(n.checked_mul(seconds).ok_or_else(bad)?);
    now.checked_sub(ago).map_err(|_| bad())
}

/// A column's name for `--columns`: its header in lower case, words joined by `-`
/// (`IDLE TIMEOUT` → `idle-timeout`); a run's `JOB / RUN` is `name`.
pub fn column_name(header: &str) -> String {
    match header {
        "JOB / RUN" => "name".into(),
        h => h.to_lowercase().replace(' ', "-"),
    }
}

/// The valid names for `kind`, in the table's order.
pub fn column_names(kind: Kind) -> Vec<String> {
    output::columns(kind).iter().map(|c| column_name(c.header)).collect()
}

/// The columns `--columns a,b,c` names, in that order; an unknown name is an error listing the
/// valid ones. `None`: every column.
pub fn columns(kind: Kind, wanted: Option<&str>) -> Result<Option<Vec<Column>>, String> {
    let Some(wanted) = wanted else { return Ok(None) };
    let mut all: Vec<Option<Column>> = output::columns(kind).into_iter().map(Some).collect();
    let names = column_names(kind);
    let mut chosen = Vec::new();
    for name in wanted.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let i = names.iter().position(|n| n.eq_ignore_ascii_case(name)).ok_or_else(|| {
            format!("--columns: no column {name:?} for {}; valid: {}", kind.plural(), names.join(","))
        })?;
        match all[i].take() {
            Some(c) => chosen.push(c),
            None => return Err(format!("--columns: {name:?} is given twice")),
        }
    }
    if chosen.is_empty() {
        return Err(format!("--columns: name at least one of {}", names.join(",")));
    }
    Ok(Some(chosen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_a_time_ago_or_an_instant() -> Result<(), String> {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().map_err(|e| format!("{e}"))?;
        assert_eq!(since("2h", now)?.to_string(), "2026-11-22T08:00:00Z");
        assert_eq!(since("30m", now)?.to_string(), "2026-11-22T09:30:00Z");
        assert_eq!(since("1d", now)?.to_string(), "2026-11-21T10:00:00Z");
        assert_eq!(since("2026-11-20T01:02:03Z", now)?.to_string(), "2026-11-20T01:02:03Z");
        for bad in ["2", "h", "2x", "-2h", "", "99999999999999999999d"] {
            assert!(since(bad, now).is_err_and(|e| e.contains("RFC 3339")), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn columns_are_chosen_by_name_in_order_and_unknown_ones_listed() {
        assert_eq!(column_names(Kind::Run)[..4], ["workspace", "name", "id", "state"]);
        assert!(column_names(Kind::Session).contains(&"idle-timeout".to_string()));
        let picked = columns(Kind::Cluster, Some("id, STATE,workers")).ok().flatten().unwrap_or_default();
        assert_eq!(picked.iter().map(|c| c.header).collect::<Vec<_>>(), ["ID", "STATE", "WORKERS"]);
        let err = columns(Kind::Cluster, Some("id,colour")).err().unwrap_or_default();
        assert_eq!(
            err,
            "--columns: no column \"colour\" for clusters; valid: workspace,name,id,state,workers,runtime,owner,started"
        );
        assert!(columns(Kind::Run, Some("id,id")).is_err_and(|e| e.contains("twice")));
        assert!(columns(Kind::Run, Some(",")).is_err());
        assert!(matches!(columns(Kind::Run, None), Ok(None)));
    }
}
