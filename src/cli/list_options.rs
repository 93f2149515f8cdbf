//! What `list` takes beyond the state and the limit: `--since` for runs (a time ago or an
//! instant) and `--columns` (columns by the monitor's names, in the order given).

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

/// The names `--columns` takes for `kind`: the monitor's ([`crate::domain::columns`]: what
/// `:columns`, `[columns]` and field filters take), in the table's order, then those of columns
/// printed only when asked for.
pub fn column_names(kind: Kind) -> Vec<&'static str> {
    output::all_columns(kind).iter().map(|c| c.name.name()).collect()
}

/// Which of `cols` `name` means: a monitor name or one of its aliases (`ws`, `idle-in`), or —
/// as the README documented before — the header in lower case, `-` between words
/// (`idle-timeout`, a job's `last-run`).
fn position(cols: &[Column], name: &str) -> Option<usize> {
    crate::domain::columns::Column::parse(name)
        .and_then(|wanted| cols.iter().position(|c| c.name == wanted))
        .or_else(|| {
            cols.iter().position(|c| c.header.to_lowercase().replace(' ', "-") == name.to_lowercase())
        })
}

/// The positions `--columns a,b,c` names (through `find`), in that order. An unknown name, one
/// given twice or none at all is an error listing the `valid` names of `what`.
pub fn choose(
    wanted: &str,
    what: &str,
    valid: &[&str],
    find: impl Fn(&str) -> Option<usize>,
) -> Result<Vec<usize>, String> {
    let mut chosen = Vec::new();
    for name in wanted.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let i = find(name)
            .ok_or_else(|| format!("--columns: no column {name:?} for {what}; valid: {}", valid.join(",")))?;
        if chosen.contains(&i) {
            return Err(format!("--columns: {name:?} is given twice"));
        }
        chosen.push(i);
    }
    if chosen.is_empty() {
        return Err(format!("--columns: name at least one of {}", valid.join(",")));
    }
    Ok(chosen)
}

/// The columns `--columns a,b,c` names, in that order; an unknown name is an error listing the
/// valid ones. `None`: the table's columns.
pub fn columns(kind: Kind, wanted: Option<&str>) -> Result<Option<Vec<Column>>, String> {
    let Some(wanted) = wanted else { return Ok(None) };
    let all = output::all_columns(kind);
    let chosen = choose(wanted, kind.plural(), &column_names(kind), |name| position(&all, name))?;
    let mut all: Vec<Option<Column>> = all.into_iter().map(Some).collect();
    Ok(Some(chosen.into_iter().filter_map(|i| all.get_mut(i).and_then(Option::take)).collect()))
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
        assert!(column_names(Kind::Session).contains(&"idle_in"));
        let picked = columns(Kind::Cluster, Some("id, STATE,workers")).ok().flatten().unwrap_or_default();
        assert_eq!(picked.iter().map(|c| c.header).collect::<Vec<_>>(), ["ID", "STATE", "WORKERS"]);
        // The monitor's names and aliases, and the names the README documented before.
        let headers = |kind, wanted| -> Vec<&str> {
            columns(kind, Some(wanted)).ok().flatten().unwrap_or_default().iter().map(|c| c.header).collect()
        };
        assert_eq!(headers(Kind::Session, "idle_in,ws"), ["IDLE TIMEOUT", "WORKSPACE"]);
        assert_eq!(headers(Kind::Session, "idle-timeout"), ["IDLE TIMEOUT"]);
        assert_eq!(headers(Kind::Run, "job,result"), ["JOB / RUN", "RESULT"]);
        assert_eq!(headers(Kind::Job, "last-run,creator"), ["LAST RUN", "CREATOR"]);
        assert_eq!(headers(Kind::Cluster, "duration"), ["DURATION"]);
        assert!(columns(Kind::Session, Some("idle-timeout,idle_in")).is_err_and(|e| e.contains("twice")));
        let err = columns(Kind::Cluster, Some("id,colour")).err().unwrap_or_default();
        assert_eq!(
            err,
            "--columns: no column \"colour\" for clusters; valid: workspace,name,id,state,workers,runtime,owner,started,duration"
        );
        assert!(columns(Kind::Run, Some("id,id")).is_err_and(|e| e.contains("twice")));
        assert!(columns(Kind::Run, Some(",")).is_err());
        assert!(matches!(columns(Kind::Run, None), Ok(None)));
    }
}
