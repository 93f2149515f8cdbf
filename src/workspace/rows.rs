//! Rows for a workspace and kind: what `sparkdeck <kind> list|get` prints and what the
//! monitor's pollers show. Server-side filters and paging are used where the API has them;
//! only as many pages as the limit needs are fetched.

use futures::future::join_all;

use jiff::Timestamp;

use super::convert::{activity_row, cluster_row, livy_row, monitoring_row, monitoring_shows, run_row};
use super::{Clients, Error, FabricClients, Workspace};
use crate::api::databricks::models::ClusterState;
use crate::api::databricks::{ClusterFilter, RunFilter};
use crate::api::livy::models::LivySession;
use crate::api::wire::Unread;
use crate::api::{ApiError, ErrorKind, Fetched, LivyClient};
use crate::domain::status::known_words;
use crate::domain::{Detail, Kind, Resource, Status};

/// What to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Query {
    /// At most this many items per list call (and per lakehouse).
    pub limit: usize,
    /// Only pending or running items (server-side for Databricks runs and clusters).
    pub active_only: bool,
    /// Databricks runs of this job only (server-side `job_id`).
    pub job_id: Option<i64>,
    /// Databricks runs started at or after this time, epoch ms (server-side `start_time_from`).
    pub started_from: Option<i64>,
}

impl Query {
    /// The runs/list filter this query asks the service for.
    fn runs(&self) -> RunFilter {
        RunFilter {
            active_only: self.active_only,
            job_id: self.job_id,
            start_time_from: self.started_from,
            ..RunFilter::default()
        }
    }

    /// The clusters/list filter: with `active_only`, the states the domain counts as active
    /// (every one but TERMINATED and ERROR), so the service filters as the poller judges.
    fn clusters(&self) -> ClusterFilter {
        if !self.active_only {
            return ClusterFilter::default();
        }
        let active = known_words(Kind::Cluster).iter().filter(|w| Status::from_cluster(w, None).is_active());
        ClusterFilter { states: active.map(|w| ClusterState::from(*w)).collect(), ..ClusterFilter::default() }
    }
}

/// A workspace's rows of one kind, and anything that went partly wrong (e.g. the monitoring
/// list refused while the Livy lists worked).
#[derive(Debug, Default)]
pub struct Listing {
    pub rows: Vec<Resource>,
    pub warnings: Vec<ApiError>,
}

/// Does this workspace serve this kind at all?
pub fn serves(ws: &Workspace, kind: Kind) -> bool {
    matches!(
        (ws.service, kind),
        (super::Service::Fabric, Kind::Session | Kind::Batch)
            | (super::Service::Databricks, Kind::Cluster | Kind::Run | Kind::Job)
    )
}

/// List one kind in one workspace (empty when the workspace does not serve it). `before`
/// holds the rows of an earlier listing: a Databricks cluster or run that comes as the same
/// text again keeps its row (see [`reusing`]).
pub async fn list(ws: &Workspace, kind: Kind, query: Query, before: &[Resource]) -> Result<Listing, Error> {
    let clients = ws.clients.as_ref().map_err(Clone::clone)?;
    let mut listing = match (clients, kind) {
        (Clients::Fabric(f), Kind::Session | Kind::Batch) => fabric(&ws.name, f, kind, query).await?,
        (Clients::Databricks(d), Kind::Cluster) => {
            let items = d.clusters_unread(&query.clusters()).collect(query.limit).await?;
            let rows = reusing(items, before, Clone::clone, |c| Ok(cluster_row(&ws.name, c.decoded()?)))?;
            Listing { rows, warnings: Vec::new() }
        }
        (Clients::Databricks(d), Kind::Run) => {
            let items = d.runs_unread(&query.runs()).collect(query.limit).await?;
            let rows = reusing(items, before, Clone::clone, |r| Ok(run_row(&ws.name, r.decoded()?)))?;
            Listing { rows, warnings: Vec::new() }
        }
        (Clients::Databricks(_), Kind::Job) => {
            Listing { rows: super::jobs::rows(ws, query.limit).await?, warnings: Vec::new() }
        }
        _ => Listing::default(),
    };
    if query.active_only {
        listing.rows.retain(|r| r.status.is_active());
    }
    Ok(listing)
}

/// As [`list`], handing each row to `each` as its page arrives rather than collecting them:
/// a caller that keeps only what it prints (`-o json` keeps the compact JSON, a table the
/// row without its API object) never holds every page's JSON trees at once. Returns the
/// warnings of a partly failed listing.
pub async fn for_each(
    ws: &Workspace,
    kind: Kind,
    query: Query,
    mut each: impl FnMut(Resource),
) -> Result<Vec<ApiError>, Error> {
    use futures::{StreamExt, TryStreamExt};
    let clients = ws.clients.as_ref().map_err(Clone::clone)?;
    match (clients, kind) {
        (Clients::Databricks(d), Kind::Cluster) => {
            let mut items = d.clusters(&ClusterFilter::default()).items().take(query.limit);
            while let Some(item) = items.try_next().await? {
                each(cluster_row(&ws.name, item));
            }
        }
        (Clients::Databricks(d), Kind::Run) => {
            let filter = query.runs();
            let mut items = d.runs(&filter).items().take(query.limit);
            while let Some(item) = items.try_next().await? {
                let row = run_row(&ws.name, item);
                if !query.active_only || row.status.is_active() {
                    each(row);
                }
            }
        }
        _ => {
            let listing = list(ws, kind, query, &[]).await?;
            listing.rows.into_iter().for_each(each);
            return Ok(listing.warnings);
        }
    }
    Ok(Vec::new())
}

/// Livy sessions or batches of every configured lakehouse, then (read-only) whatever else the
/// workspace monitoring list shows: notebook sessions, Spark job definitions, other lakehouses.
async fn fabric(workspace: &str, f: &FabricClients, kind: Kind, query: Query) -> Result<Listing, Error> {
    let per_lakehouse = join_all(
        f.lakehouses
            .iter()
            .map(|(label, client)| lakehouse_rows(workspace, label, client, kind, query.limit, &[])),
    )
    .await;
    let mut listing = Listing::default();
    for result in per_lakehouse {
        listing.rows.extend(result?);
    }
    if kind == Kind::Session {
        idle_timeouts(f, &mut listing.rows).await;
    }
    match monitoring_items(f, query.limit).await {
        Ok(items) => {
            let extra = monitoring_extras(kind, workspace, &items, &listing.rows, &[]);
            listing.rows.extend(extra);
        }
        // With no lakehouse configured the monitoring list is all there is.
        Err(e) if f.lakehouses.is_empty() => return Err(e.into()),
        Err(e) => listing.warnings.push(e),
    }
    Ok(listing)
}

/// The Livy sessions or batches of one lakehouse (at most `limit`). `before` holds the rows
/// this list gave last time: an item that comes as the same text again keeps its row, neither
/// decoded nor converted again (a poller's list is mostly ended sessions, which never change).
pub async fn lakehouse_rows(
    workspace: &str,
    label: &str,
    client: &LivyClient,
    kind: Kind,
    limit: usize,
    before: &[Resource],
) -> Result<Vec<Resource>, ApiError> {
    let pages = if kind == Kind::Batch { client.batches_unread() } else { client.sessions_unread() };
    let items = pages.collect(limit).await?;
    reusing(items, before, as_listed, |item| Ok(activity_row(kind, workspace, Some(label), item.decoded()?)))
}

/// The rows of a list's `items`. An item that comes as the same text as the item of a row in
/// `before` keeps that row, as `listed` gives it back, and is neither decoded nor converted
/// again: a poller's lists are mostly ended items, whose text never changes. The rest are
/// made by `row`.
fn reusing(
    items: Vec<Fetched<Unread>>,
    before: &[Resource],
    listed: impl Fn(&Resource) -> Resource,
    row: impl Fn(Fetched<Unread>) -> Result<Resource, ApiError>,
) -> Result<Vec<Resource>, ApiError> {
    let mut held = Held::new(before);
    items
        .into_iter()
        .map(|item| match item.raw.as_text().and_then(|text| held.find(text)) {
            Some(i) => Ok(listed(&before[i])),
            None => row(item),
        })
        .collect()
}

/// Finds items' texts among the rows of an earlier read (see [`reusing`]).
struct Held<'a> {
    before: &'a [Resource],
    by_text: Option<foldhash::HashMap<&'a str, usize>>,
    next: usize,
}

impl<'a> Held<'a> {
    fn new(before: &'a [Resource]) -> Held<'a> {
        Held { before, by_text: None, next: 0 }
    }

    /// The row in `before` that came as `text`. Lists keep their order, so an item is looked
    /// for first where the one before it was found, plus one (a compare that fails at the first
    /// differing byte); the lookup by text, which hashes every text, is built only when that
    /// misses.
    fn find(&mut self, text: &str) -> Option<usize> {
        let before = self.before;
        let text_at = |i: usize| before.get(i).and_then(|r| r.raw.as_text());
        let at = if text_at(self.next) == Some(text) {
            Some(self.next)
        } else {
            let by_text = self
                .by_text
                .get_or_insert_with(|| (0..before.len()).filter_map(|i| Some((text_at(i)?, i))).collect());
            by_text.get(text).copied()
        }?;
        self.next = at + 1;
        Some(at)
    }
}

/// A row of a lakehouse list as the list made it: an idle session's deadline, which a poller
/// adds from the session's own record, is not in the list's item.
fn as_listed(row: &Resource) -> Resource {
    let mut row = row.clone();
    if let Detail::Session { idle_timeout_at, .. } = &mut row.detail {
        *idle_timeout_at = None;
    }
    row
}

/// The workspace monitoring list as the API gave it (one read serves sessions and batches).
pub async fn monitoring_items(
    f: &FabricClients,
    limit: usize,
) -> Result<Vec<Fetched<LivySession>>, ApiError> {
    f.monitor.workspace_livy_sessions().collect(limit).await
}

/// The first page of the workspace monitoring list (its newest items).
pub async fn monitoring_first_page(f: &FabricClients) -> Result<Vec<Fetched<LivySession>>, ApiError> {
    let mut pages = f.monitor.workspace_livy_sessions();
    Ok(pages.next_page().await.transpose()?.map(|p| p.items).unwrap_or_default())
}

/// Rows of `kind` that the monitoring list shows and the lakehouse lists (`known`) do not.
/// `before` holds the rows this gave last time: an item that comes as the same text again
/// keeps its row, neither copied nor converted again (as [`reusing`] does for the lists).
pub fn monitoring_extras<'k>(
    kind: Kind,
    workspace: &str,
    items: &[Fetched<LivySession>],
    known: impl IntoIterator<Item = &'k Resource>,
    before: &[Resource],
) -> Vec<Resource> {
    let known: foldhash::HashSet<&str> = known.into_iter().map(|r| r.id.as_str()).collect();
    let mut held = Held::new(before);
    items
        .iter()
        .filter(|v| monitoring_shows(kind, &v.value))
        .filter(|v| v.value.livy_id.as_deref().is_none_or(|id| !known.contains(id)))
        .filter_map(|v| match v.raw.as_text().and_then(|text| held.find(text)) {
            Some(i) => Some(before[i].clone()),
            None => monitoring_row(kind, workspace, v.clone()),
        })
        .filter(|r| !known.contains(r.id.as_str()))
        .collect()
}

/// Whether a session row needs a read of its own for its idle-timeout countdown: idle, one of
/// ours, and the list entry did not carry `livyInfo.idleAt`.
fn wants_idle_deadline(r: &Resource) -> bool {
    r.status == crate::domain::Status::Ready
        && matches!(r.detail, Detail::Session { idle_timeout_at: None, read_only: false, .. })
}

/// When the idle session `id` of lakehouse `label` times out, read from the session itself;
/// `None` when it cannot be read or does not say.
pub async fn idle_deadline(f: &FabricClients, label: &str, id: &str) -> Option<Timestamp> {
    let client = f.lakehouses.iter().find(|(l, _)| l == label).map(|(_, c)| c)?;
    let full = client.session(id).await.ok()?;
    match livy_row(Kind::Session, "", None, full).detail {
        Detail::Session { idle_timeout_at, .. } => idle_timeout_at,
        _ => None,
    }
}

/// Idle sessions whose list entry lacks `livyInfo.idleAt`: read each one (at most
/// `IDLE_LOOKUPS`, concurrently) for its idle-timeout countdown. A failed read just leaves the
/// countdown blank.
const IDLE_LOOKUPS: usize = 20;

async fn idle_timeouts(f: &FabricClients, rows: &mut [Resource]) {
    let wanted: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| wants_idle_deadline(r))
        .map(|(i, _)| i)
        .take(IDLE_LOOKUPS)
        .collect();
    let reads = join_all(wanted.iter().map(|&i| {
        let r = &rows[i];
        let label = match &r.detail {
            Detail::Session { lakehouse: Some(label), .. } => Some(label.clone()),
            _ => None,
        };
        let id = r.id.clone();
        async move { idle_deadline(f, &label?, &id).await }
    }))
    .await;
    for (i, at) in wanted.into_iter().zip(reads) {
        if let Detail::Session { idle_timeout_at, .. } = &mut rows[i].detail {
            *idle_timeout_at = at;
        }
    }
}

/// One item by id; `Ok(None)` when this workspace does not hold it.
pub async fn get(ws: &Workspace, kind: Kind, id: &str) -> Result<Option<Resource>, Error> {
    let clients = ws.clients.as_ref().map_err(Clone::clone)?;
    let found = match (clients, kind) {
        (Clients::Fabric(f), Kind::Session | Kind::Batch) => {
            for (label, client) in &f.lakehouses {
                let got = if kind == Kind::Batch { client.batch(id).await } else { client.session(id).await };
                match not_found_as_none(got)? {
                    Some(job) => return Ok(Some(with_id(livy_row(kind, &ws.name, Some(label), job), id))),
                    None => continue,
                }
            }
            monitored(&ws.name, f, kind, id).await?
        }
        (Clients::Databricks(d), Kind::Cluster) => {
            not_found_as_none(d.cluster(id).await)?.map(|c| cluster_row(&ws.name, c))
        }
        (Clients::Databricks(d), Kind::Run) => match id.parse::<i64>() {
            Ok(n) => not_found_as_none(d.run(n).await)?.map(|r| run_row(&ws.name, r)),
            Err(_) => None,
        },
        _ => None,
    };
    Ok(found)
}

/// How far to search the workspace monitoring list for an item the Livy API does not hold.
const MONITORING_SEARCH: usize = 2_000;

/// A notebook or Spark job definition session, found in the workspace monitoring list.
async fn monitored(
    workspace: &str,
    f: &FabricClients,
    kind: Kind,
    id: &str,
) -> Result<Option<Resource>, ApiError> {
    use futures::{StreamExt, TryStreamExt};
    let mut items = f.monitor.workspace_livy_sessions().items().take(MONITORING_SEARCH);
    while let Some(item) = items.try_next().await? {
        if item.value.livy_id.as_deref() == Some(id) {
            return Ok(monitoring_row(kind, workspace, item));
        }
    }
    Ok(None)
}

/// Early Fabric polls carry only the acquisition state, not even the id.
fn with_id(mut row: Resource, id: &str) -> Resource {
    if row.id.is_empty() {
        row.id = id.to_string();
    }
    row
}

fn not_found_as_none<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(v) => Ok(Some(v)),
        // Databricks answers an unknown cluster with 400 INVALID_PARAMETER_VALUE, Fabric with 404.
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::Arc;

    use super::*;
    use crate::api::wire::{ListPage, decode_items, unread_items};

    fn items(texts: &[&str]) -> Vec<Fetched<Unread>> {
        let body = format!(r#"{{"runs":[{}]}}"#, texts.join(","));
        let mut page = ListPage::read(body.as_bytes(), "runs").unwrap_or_else(|| panic!("{body}"));
        unread_items("GET", "/runs", &mut page, "runs").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reused_rows_are_found_in_place_moved_or_repeated_and_only_new_items_are_read() {
        let run = |id: u32| {
            format!(r#"{{"run_id":{id},"run_name":"r{id}","state":{{"life_cycle_state":"TERMINATED"}}}}"#)
        };
        let [a, b, c, d] = [1, 2, 3, 4].map(run);
        let read = Cell::new(0);
        let row = |item: Fetched<Unread>| {
            read.set(read.get() + 1);
            Ok(run_row("ws", item.decoded()?))
        };
        let before = reusing(items(&[&a, &b, &c]), &[], Clone::clone, row).unwrap_or_else(|e| panic!("{e}"));
        read.set(0);
        // A new run on top shifts the rest; two swapped; one repeated.
        let again = reusing(items(&[&d, &a, &c, &b, &a]), &before, Clone::clone, row)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.get(), 1, "only the new run is read");
        let ids: Vec<&str> = again.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["4", "1", "3", "2", "1"]);
        for r in &again[1..] {
            let kept = before.iter().any(|b| Arc::ptr_eq(&b.raw, &r.raw));
            assert!(kept, "{}: its row kept", r.id);
        }
        let fresh =
            reusing(items(&[&d, &a, &c, &b, &a]), &[], Clone::clone, row).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, fresh);
    }

    #[test]
    fn monitoring_extras_keep_the_rows_of_unchanged_items_and_show_only_their_kind() {
        let item = |id: &str, job: &str, state: &str| {
            format!(r#"{{"livyId":"{id}","jobType":"{job}","state":"{state}","itemName":"nb {id}"}}"#)
        };
        let list = |texts: &[&String]| {
            let body = format!(
                r#"{{"value":[{}]}}"#,
                texts.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
            );
            let mut page = ListPage::read(body.as_bytes(), "value").unwrap_or_else(|| panic!("{body}"));
            decode_items::<LivySession>("GET", "/livySessions", &mut page, "value")
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let extras = |texts: &[&String], before: &[Resource]| {
            monitoring_extras(Kind::Session, "ws", &list(texts), std::iter::empty(), before)
        };
        let [a, b, batch] = [
            ("a", "SparkSession", "InProgress"),
            ("b", "SparkSession", "InProgress"),
            ("c", "SparkBatch", "InProgress"),
        ]
        .map(|(id, job, state)| item(id, job, state));
        let first = extras(&[&a, &b, &batch], &[]);
        let ids = |rows: &[Resource]| rows.iter().map(|r| (r.id.clone(), r.status)).collect::<Vec<_>>();
        assert_eq!(ids(&first), [("a".into(), Status::Busy), ("b".into(), Status::Busy)]);
        // b ended: its row is made anew, a's is kept.
        let ended = item("b", "SparkSession", "Succeeded");
        let again = extras(&[&a, &ended, &batch], &first);
        assert!(Arc::ptr_eq(&first[0].raw, &again[0].raw), "a kept");
        assert!(!Arc::ptr_eq(&first[1].raw, &again[1].raw), "b read anew");
        assert_eq!(again, extras(&[&a, &ended, &batch], &[]), "the rows a first read gives");
        assert_eq!(again[1].status, Status::Succeeded);
    }
}
