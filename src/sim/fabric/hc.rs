//! High-concurrency sessions: acquire (202), get, delete. Each acquisition is a new REPL;
//! acquisitions with the same `sessionTag` pack into one underlying Livy session while it has
//! fewer than five REPLs (Learn, high-concurrency-livy.md), the sixth starts a new session.
//! Acquisition is not idempotent. Deleting the last REPL stops the underlying session at once
//! (dbt-fabricspark #232). Without a tag every acquisition gets its own session.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::requests::LivyRequest;
use super::sessions::{self, principal};
use super::state::{End, EndKind, HC_DELETING_MS, HcSession, ReplSlot, SessionPhase};
use super::{ApiError, Livy, Reply, parse_body};
use crate::sim::clock::{SimMillis, rfc3339};

/// REPLs per Livy session.
pub const MAX_REPLS: usize = 5;
/// An HC session answers `NotStarted` this long before `AcquiringHighConcurrencySession`.
const NOT_STARTED_MS: i64 = 1_000;
/// Creating a REPL in a session that is already up.
const REPL_CREATE_MS: i64 = 3_000;

fn hc_not_found(id: &str) -> ApiError {
    ApiError::not_found("SparkCoreSessionNotFound", &format!("High concurrency session {id} was not found."))
}

pub fn acquire(l: &mut Livy) -> Result<Reply, ApiError> {
    let req: LivyRequest = parse_body(l.ctx.body)?;
    let now = l.ctx.now;
    let tag = req.session_tag.clone().filter(|t| !t.is_empty());
    let mut target = None;
    if let Some(tag) = &tag {
        let mut candidates: Vec<Uuid> =
            l.ws.hcs
                .iter()
                .filter(|h| h.lakehouse == l.lh && h.tag.as_deref() == Some(tag.as_str()))
                .map(|h| h.session_id)
                .collect();
        candidates.dedup();
        for sid in candidates {
            let Some(idx) = l.ws.session_index(l.lh, sid) else { continue };
            let s = &mut l.ws.sessions[idx];
            s.settle(now, l.ctx.engine);
            let alive = !matches!(s.phase(now), SessionPhase::Ended(_) | SessionPhase::AcquireError);
            if alive && s.live_repls() < MAX_REPLS {
                target = Some(idx);
                break;
            }
        }
    }
    let idx = match target {
        Some(idx) => idx,
        None => {
            let s = sessions::new_session(l.ids, l.lh, l.principal, now, &req, None, true);
            l.ws.sessions.push(s);
            l.ws.sessions.len() - 1
        }
    };
    let repl_id = l.ids.uuid();
    let session = &mut l.ws.sessions[idx];
    let ready_at = session.idle_at.max(now + REPL_CREATE_MS);
    session.repls.push(ReplSlot::new(Some(repl_id), ready_at));
    session.last_activity = now;
    let hc = HcSession {
        id: l.ids.uuid(),
        lakehouse: l.lh,
        tag,
        creator: l.principal,
        created: now,
        session_id: session.id,
        repl_id,
        ready_at,
        deleted_at: None,
    };
    let body = render(l, &hc, now);
    l.ws.hcs.push(hc);
    Ok(Reply::json(202, body))
}

fn find(l: &mut Livy, id: &str) -> Result<usize, ApiError> {
    let uid = Uuid::parse_str(id).map_err(|_| hc_not_found(id))?;
    let now = l.ctx.now;
    let idx =
        l.ws.hcs
            .iter()
            .position(|h| h.id == uid && h.lakehouse == l.lh)
            .filter(|i| l.ws.hcs[*i].deleted_at.is_none_or(|d| now < d + HC_DELETING_MS))
            .ok_or_else(|| hc_not_found(id))?;
    let sid = l.ws.hcs[idx].session_id;
    if let Some(si) = l.ws.session_index(l.lh, sid) {
        l.ws.sessions[si].settle(now, l.ctx.engine);
    }
    Ok(idx)
}

pub fn get(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let idx = find(l, id)?;
    Ok(Reply::json(200, render(l, &l.ws.hcs[idx], l.ctx.now)))
}

pub fn delete(l: &mut Livy, id: &str) -> Result<Reply, ApiError> {
    let idx = find(l, id)?;
    let now = l.ctx.now;
    if l.ws.hcs[idx].deleted_at.is_some() {
        return Err(hc_not_found(id));
    }
    l.ws.hcs[idx].deleted_at = Some(now);
    let (sid, repl_id) = (l.ws.hcs[idx].session_id, l.ws.hcs[idx].repl_id);
    if let Some(si) = l.ws.session_index(l.lh, sid) {
        let s = &mut l.ws.sessions[si];
        if let Some(repl) = s.repls.iter_mut().find(|r| r.id == Some(repl_id)) {
            repl.deleted_at = Some(now);
            super::statements::cancel_unfinished(repl, now);
        }
        let alive = !matches!(s.phase(now), SessionPhase::Ended(_) | SessionPhase::AcquireError);
        if alive && s.live_repls() == 0 {
            s.end = Some(End { at: now, kind: EndKind::Stopped });
            s.settle(now, l.ctx.engine);
        }
    }
    Ok(Reply::empty(200))
}

/// HighConcurrencySessionResponse at `now`.
fn render(l: &Livy, hc: &HcSession, now: SimMillis) -> Value {
    let session = l.ws.session_index(l.lh, hc.session_id).map(|i| &l.ws.sessions[i]);
    let phase = session.map(|s| s.phase(now));
    let mut fabric: Option<Value> = None;
    let state = if hc.deleted_at.is_some() {
        "Deleting"
    } else {
        match phase {
            Some(SessionPhase::AcquireError) => {
                let msg = session.and_then(|s| s.acquire_error.as_ref()).map_or("", |(_, m)| m.as_str());
                fabric = Some(json!({ "state": "error", "errorMessage": msg }));
                "Failed"
            }
            Some(SessionPhase::Ended(EndKind::Killed)) => "Killed",
            Some(SessionPhase::Ended(_)) | None => "Dead",
            Some(p) => {
                if now < hc.created + NOT_STARTED_MS {
                    fabric = Some(json!({ "state": "queued" }));
                    "NotStarted"
                } else if now < hc.ready_at {
                    let underlying = if p == SessionPhase::Queued { "queued" } else { "acquiringSession" };
                    fabric = Some(json!({ "state": underlying }));
                    "AcquiringHighConcurrencySession"
                } else {
                    "Idle"
                }
            }
        }
    };
    let assigned = now >= hc.ready_at;
    let mut m = Map::new();
    m.insert("id".into(), json!(hc.id));
    m.insert("state".into(), json!(state));
    if let Some(f) = fabric {
        m.insert("fabricSessionStateInfo".into(), f);
    }
    m.insert("sessionId".into(), if assigned { json!(hc.session_id) } else { Value::Null });
    m.insert("replId".into(), if assigned { json!(hc.repl_id) } else { Value::Null });
    m.insert("sessionTag".into(), json!(hc.tag));
    m.insert("workspaceId".into(), json!(l.ws.id));
    m.insert("artifactId".into(), json!(hc.lakehouse));
    m.insert("creatorId".into(), json!(principal(l.principals, hc.creator).id));
    m.insert("createdAt".into(), json!(rfc3339(hc.created)));
    Value::Object(m)
}
