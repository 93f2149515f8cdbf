//! The New form's effects, on `workspace::create`: the lists its pickers show, what an edit or
//! a resubmit starts from, the exact request checked with the workspace (kept here until the
//! user says `y`, so what is sent is exactly what was shown), the create itself — sent once,
//! never again after an unclear answer — a permanent delete, templates saved in the
//! configuration file, and what the form remembers in the data directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::app::form::{
    Choice, CreateEffect, CreatedItem, Failure, FormMemory, FormMsg, PrefillOf, Preview, Request, Source,
};
use crate::config::templates::{self, TemplateKind};
use crate::domain::Kind;
use crate::domain::create::{Created, NewItem, Template};
use crate::poll::Poller;
use crate::poll::supervise::spawn_reporting;
use crate::workspace::create::livy::{PreparedBatch, PreparedSession};
use crate::workspace::create::upload::UploadProgress;
use crate::workspace::create::{CreateError, advice, clusters, livy, runs};
use crate::workspace::{Workspace, hints};

/// The file, in the data directory, of what the form remembers.
const MEMORY_FILE: &str = "forms.json";

/// A request checked and made, waiting for `y`.
enum Prepared {
    Session(PreparedSession),
    Batch(PreparedBatch),
    Cluster(Value),
    Edit(String, Value),
    Run(Value),
}

/// The requests waiting for `y`, by form, with the workspace that checked them.
type Waiting = Arc<Mutex<HashMap<u64, (Arc<Workspace>, Prepared)>>>;

/// Where the New form's files are, and the requests waiting for `y`.
pub(super) struct Creator {
    prepared: Waiting,
    memory_file: Option<PathBuf>,
    /// The configuration file templates are saved in; `None`: they are kept for this run only.
    templates_file: Option<PathBuf>,
    tx: mpsc::Sender<Msg>,
}

/// What the form remembered last time: nothing when there is no file yet; when there is one
/// that cannot be read, nothing and why (it is only a cache: the next create writes it anew).
pub fn load_memory(data_dir: &Path) -> (FormMemory, Option<String>) {
    let path = data_dir.join(MEMORY_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (FormMemory::default(), None),
        Err(e) => return (FormMemory::default(), Some(format!("cannot read {}: {e}", path.display()))),
    };
    match serde_json::from_slice(&bytes) {
        Ok(memory) => (memory, None),
        Err(e) => {
            let why = format!(
                "{}:{}:{}: {e}; the New form starts without its last choices",
                path.display(),
                e.line(),
                e.column()
            );
            (FormMemory::default(), Some(why))
        }
    }
}

fn send(tx: &mpsc::Sender<Msg>, msg: FormMsg) {
    let tx = tx.clone();
    tokio::spawn(async move {
        let _ = tx.send(Msg::Form(msg)).await;
    });
}

/// Run `work` and send the message it ends with; should it panic, the message `failed` makes of
/// the panic's words ("… failed inside sparkdeck: …"), so the form never waits for nothing.
fn answer<W>(tx: &mpsc::Sender<Msg>, work: W, failed: impl FnOnce(String) -> FormMsg + Send + 'static)
where
    W: Future<Output = FormMsg> + Send + 'static,
{
    let (tx, failed_tx) = (tx.clone(), tx.clone());
    spawn_reporting(
        async move {
            let _ = tx.send(Msg::Form(work.await)).await;
        },
        move |why| async move {
            let msg = failed(format!("this failed inside sparkdeck ({why})"));
            let _ = failed_tx.send(Msg::Form(msg)).await;
        },
    );
}

/// A failed create in words: what was wrong or what the service said (with what to do), or
/// what may have been created and what was found of it.
fn failure(ws: &Workspace, e: CreateError) -> Failure {
    match e {
        CreateError::Invalid(why) => Failure::Refused(format!("{why} (nothing was sent)")),
        CreateError::Failed(err) => {
            let mut text = format!("{}: {err}", ws.name);
            if let Some(what) = err.api().and_then(advice) {
                text += &format!(" — what to do: {what}");
            } else if let Some(fix) = hints::fix(ws.service, &err) {
                text += &format!(" — fix: {fix}");
            }
            Failure::Refused(text)
        }
        CreateError::Unknown { what, found, cause } => {
            let seen = if found.is_empty() {
                "nothing like it is listed yet; watch the pane".to_string()
            } else {
                let items: Vec<String> = found.iter().map(describe).collect();
                format!("found: {}", items.join(", "))
            };
            Failure::MayExist(format!(
                "{}: {what} may have been created ({cause}); {seen}. It was not sent again: look before sending it again.",
                ws.name
            ))
        }
    }
}

fn describe(c: &Created) -> String {
    let name = c.name.as_deref().map(|n| format!(" {n:?}")).unwrap_or_default();
    format!("{} {}{name}", c.kind.singular(), c.id)
}

/// Not sent: the reason in words.
fn refused(e: CreateError) -> String {
    match e {
        CreateError::Invalid(why) => format!("{why} (nothing was sent)"),
        other => other.to_string(),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

impl Creator {
    pub(super) fn new(tx: mpsc::Sender<Msg>) -> Creator {
        Creator { prepared: Arc::default(), memory_file: None, templates_file: None, tx }
    }

    /// Remember in `data_dir`; save templates in `templates_file`.
    pub(super) fn with_files(mut self, data_dir: Option<&Path>, templates_file: Option<PathBuf>) -> Creator {
        self.memory_file = data_dir.map(|d| d.join(MEMORY_FILE));
        self.templates_file = templates_file;
        self
    }

    pub(super) fn run(&self, effect: CreateEffect, ws: Option<Arc<Workspace>>, poller: &Arc<Poller>) {
        let tx = self.tx.clone();
        match effect {
            CreateEffect::LoadChoices { workspace, source } => {
                let Some(ws) = ws else { return };
                let failed = workspace.clone();
                answer(
                    &tx,
                    async move {
                        let result = choices(&ws, source).await.map_err(refused);
                        FormMsg::Choices { workspace, source, result }
                    },
                    move |why| FormMsg::Choices { workspace: failed, source, result: Err(why) },
                );
            }
            CreateEffect::LoadPrefill { form, of, workspace } => {
                let Some(ws) = ws else {
                    return send(
                        &tx,
                        FormMsg::Prefill { form, result: Err(format!("no workspace {workspace:?}")) },
                    );
                };
                answer(
                    &tx,
                    async move {
                        let result = match of {
                            PrefillOf::Cluster(id) => {
                                clusters::for_edit(&ws, &id).await.map(|(c, _)| NewItem::Cluster(c))
                            }
                            PrefillOf::Batch(id) => {
                                livy::batch_to_resubmit(&ws, &id).await.map(NewItem::Batch)
                            }
                        };
                        FormMsg::Prefill { form, result: result.map(Box::new).map_err(refused) }
                    },
                    move |why| FormMsg::Prefill { form, result: Err(why) },
                );
            }
            CreateEffect::Prepare { form, workspace, request } => {
                let Some(ws) = ws else {
                    return send(
                        &tx,
                        FormMsg::Prepared { form, result: Err(format!("no workspace {workspace:?}")) },
                    );
                };
                let store = self.prepared.clone();
                answer(
                    &tx,
                    async move {
                        let result = match prepare(&ws, *request).await {
                            Ok((preview, prepared)) => {
                                store.lock().unwrap_or_else(|e| e.into_inner()).insert(form, (ws, prepared));
                                Ok(Box::new(preview))
                            }
                            Err(e) => Err(refused(e)),
                        };
                        FormMsg::Prepared { form, result }
                    },
                    move |why| FormMsg::Prepared { form, result: Err(format!("{why}; nothing was sent")) },
                );
            }
            CreateEffect::Send { form } => {
                let taken = self.prepared.lock().unwrap_or_else(|e| e.into_inner()).remove(&form);
                let Some((ws, prepared)) = taken else {
                    let why =
                        "nothing checked is waiting to be sent: review it again (ctrl-s); nothing was sent";
                    return send(&tx, FormMsg::Finished { form, result: Err(Failure::Refused(why.into())) });
                };
                let (poller, progress) = (poller.clone(), tx.clone());
                let name = ws.name.clone();
                answer(
                    &tx,
                    async move {
                        let result = create(&ws, prepared, form, &progress).await;
                        if let Ok(c) = &result {
                            poller.refresh(&ws.name, c.kind);
                        }
                        FormMsg::Finished { form, result }
                    },
                    // It may have been sent before the panic: never sent again, and said so.
                    move |why| FormMsg::Finished {
                        form,
                        result: Err(Failure::MayExist(format!(
                            "{name}: it may have been created ({why}); it was not sent again: look in the pane first"
                        ))),
                    },
                );
            }
            CreateEffect::Discard { form } => {
                self.prepared.lock().unwrap_or_else(|e| e.into_inner()).remove(&form);
            }
            CreateEffect::DeleteCluster { target } => {
                let poller = poller.clone();
                let failed = target.clone();
                answer(
                    &tx,
                    async move {
                        let result = match ws {
                            Some(ws) => {
                                clusters::delete_permanently(&ws, &target.id).await.map_err(|e| e.to_string())
                            }
                            None => Err(format!("no workspace {:?}", target.workspace)),
                        };
                        poller.refresh(&target.workspace, Kind::Cluster);
                        FormMsg::Deleted { target, result }
                    },
                    move |why| FormMsg::Deleted { target: failed, result: Err(why) },
                );
            }
            CreateEffect::SaveTemplate { template } => {
                let file = self.templates_file.clone();
                tokio::task::spawn_blocking(move || {
                    let result = match &file {
                        Some(path) => templates::save(path, &config_template(&template))
                            .map(|()| format!("saved in {}", path.display())),
                        None => Ok("kept for this run only: the demo reads no config file".to_string()),
                    };
                    let _ = tx.blocking_send(Msg::Form(FormMsg::TemplateSaved { template, result }));
                });
            }
            CreateEffect::Remember(memory) => {
                let Some(path) = self.memory_file.clone() else { return };
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = remember(&path, &memory) {
                        let _ = tx.blocking_send(Msg::Warning(format!(
                            "cannot keep the form's last choices in {}: {e}",
                            path.display()
                        )));
                    }
                });
            }
        }
    }
}

/// A template's kind in the domain's words, and back in the configuration's.
fn kind_of(k: TemplateKind) -> Kind {
    match k {
        TemplateKind::Session => Kind::Session,
        TemplateKind::Batch => Kind::Batch,
        TemplateKind::Cluster => Kind::Cluster,
        TemplateKind::Run => Kind::Run,
    }
}

fn template_kind(k: Kind) -> TemplateKind {
    match k {
        Kind::Session => TemplateKind::Session,
        Kind::Batch => TemplateKind::Batch,
        Kind::Cluster => TemplateKind::Cluster,
        Kind::Run | Kind::Job => TemplateKind::Run,
    }
}

/// A `[templates.NAME]` of the configuration as the form takes it.
pub fn template_of(t: &templates::Template) -> Template {
    Template {
        name: t.name.clone(),
        kind: kind_of(t.kind),
        workspace: t.workspace.clone(),
        lakehouse: t.lakehouse.clone(),
        request: t.request.clone(),
    }
}

/// A template as the configuration file writes it.
fn config_template(t: &Template) -> templates::Template {
    let kind = template_kind(t.kind);
    templates::Template {
        name: t.name.clone(),
        kind,
        workspace: t.workspace.clone(),
        lakehouse: t.lakehouse.clone(),
        request: t.request.clone(),
    }
}

/// The file written whole or not at all, only its owner may read it.
fn remember(path: &Path, memory: &FormMemory) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::config::paths::create_private_dir(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut file, memory)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A picker's list, read from the workspace.
async fn choices(ws: &Workspace, source: Source) -> Result<Vec<Choice>, CreateError> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(match source {
        Source::Lakehouses => livy::configured_lakehouses(ws)?
            .into_iter()
            .map(|(label, id)| Choice { value: label, label: id })
            .collect(),
        Source::Environments | Source::TargetLakehouses => {
            let items = if source == Source::Environments {
                livy::environments(ws).await?
            } else {
                livy::lakehouses(ws).await?
            };
            items
                .into_iter()
                .filter_map(|i| {
                    let id = i.value.id?;
                    let mut label = text(&i.value.display_name);
                    if let Some(d) = i.value.description.filter(|d| !d.is_empty()) {
                        label += &format!(" — {d}");
                    }
                    Some(Choice { value: id, label })
                })
                .collect()
        }
        Source::SparkVersions => clusters::spark_versions(ws)
            .await?
            .into_iter()
            .filter_map(|v| Some(Choice { label: text(&v.value.name), value: v.value.key? }))
            .collect(),
        Source::NodeTypes => clusters::node_types(ws)
            .await?
            .into_iter()
            .filter(|n| n.value.is_hidden != Some(true))
            .filter_map(|n| {
                let n = n.value;
                let mut label = Vec::new();
                if let Some(c) = n.num_cores {
                    label.push(format!("{c} cores"));
                }
                if let Some(m) = n.memory_mb {
                    label.push(format!("{:.0} GB", m as f64 / 1024.0));
                }
                if let Some(g) = n.num_gpus.filter(|g| *g > 0) {
                    label.push(format!("{g} GPU"));
                }
                if let Some(c) = n.category {
                    label.push(c);
                }
                if n.is_deprecated == Some(true) {
                    label.push("deprecated".into());
                }
                Some(Choice { value: n.node_type_id?, label: label.join(" · ") })
            })
            .collect(),
        Source::Workspaces | Source::Clusters | Source::Templates => Vec::new(),
    })
}

/// Check a request with the workspace and make the exact body, and what the review shows.
async fn prepare(ws: &Workspace, request: Request) -> Result<(Preview, Prepared), CreateError> {
    let preview = |call: &str, lakehouse: Option<String>, body: &Value| Preview {
        workspace: ws.name.clone(),
        lakehouse,
        call: call.into(),
        body: body.clone(),
        uploads: Vec::new(),
        warnings: Vec::new(),
    };
    Ok(match (request.item, request.edit) {
        (NewItem::Session(s), _) => {
            let p = livy::prepare_session(ws, &s).await?;
            let mut shown = preview("POST …/livyapi/…/sessions", Some(p.lakehouse.clone()), &p.body);
            shown.warnings.clone_from(&p.warnings);
            (shown, Prepared::Session(p))
        }
        (NewItem::Batch(b), _) => {
            let p = livy::prepare_batch(ws, &b).await?;
            let mut shown = preview("POST …/livyapi/…/batches", Some(p.lakehouse.clone()), &p.body);
            shown.warnings.clone_from(&p.warnings);
            shown.uploads = p
                .uploads
                .iter()
                .map(|u| format!("{} ({}) → Files/{}", u.local.display(), size(u.size), u.dest.path))
                .collect();
            (shown, Prepared::Batch(p))
        }
        (NewItem::Cluster(c), None) => {
            let body = clusters::prepare(ws, &c).await?;
            (preview("POST /api/2.1/clusters/create", None, &body), Prepared::Cluster(body))
        }
        (NewItem::Cluster(c), Some(id)) => {
            let body = clusters::prepare(ws, &c).await?;
            let mut sent = body.clone();
            if let Value::Object(m) = &mut sent {
                m.insert("cluster_id".into(), id.clone().into());
            }
            (preview("POST /api/2.1/clusters/edit", None, &sent), Prepared::Edit(id, body))
        }
        (NewItem::Run(r), _) => {
            let token = uuid::Uuid::new_v4().to_string();
            let body = runs::prepare(ws, &r, &token).await?;
            (preview("POST /api/2.2/jobs/runs/submit", None, &body), Prepared::Run(body))
        }
    })
}

/// Send what was prepared, once; upload progress goes to the form meanwhile.
async fn create(
    ws: &Workspace,
    prepared: Prepared,
    form: u64,
    tx: &mpsc::Sender<Msg>,
) -> Result<CreatedItem, Failure> {
    let made = |kind: Kind, c: Created, lakehouse: Option<String>, request: Value| CreatedItem {
        kind,
        workspace: ws.name.clone(),
        id: c.id,
        name: c.name,
        lakehouse,
        request,
        edited: false,
    };
    let fail = |e| failure(ws, e);
    match prepared {
        Prepared::Session(p) => {
            let c = livy::create_session(ws, &p).await.map_err(fail)?;
            Ok(made(Kind::Session, c, Some(p.lakehouse), p.body))
        }
        Prepared::Batch(p) => {
            let progress = |u: UploadProgress| {
                let text = match u {
                    UploadProgress::Sending { file, done, total } => {
                        format!("uploading {}: {} of {}", file.display(), size(done), size(total))
                    }
                    UploadProgress::AlreadyThere { file } => {
                        format!("{} is in OneLake already", file.display())
                    }
                    UploadProgress::Done { file } => format!("uploaded {}; submitting…", file.display()),
                };
                let _ = tx.try_send(Msg::Form(FormMsg::Progress { form, text }));
            };
            let c = livy::submit_batch(ws, &p, &progress).await.map_err(fail)?;
            Ok(made(Kind::Batch, c, Some(p.lakehouse), p.body))
        }
        Prepared::Cluster(body) => {
            let c = clusters::create(ws, &body).await.map_err(fail)?;
            Ok(made(Kind::Cluster, c, None, body))
        }
        Prepared::Edit(id, body) => {
            clusters::edit(ws, &id, &body).await.map_err(fail)?;
            let name = body.get("cluster_name").and_then(Value::as_str).map(str::to_string);
            Ok(CreatedItem {
                kind: Kind::Cluster,
                workspace: ws.name.clone(),
                id,
                name,
                lakehouse: None,
                request: body,
                edited: true,
            })
        }
        Prepared::Run(body) => {
            let c = runs::submit(ws, &body).await.map_err(fail)?;
            Ok(made(Kind::Run, c, None, body))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_form_remembers_survives_a_write_and_a_broken_file_is_named() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        assert_eq!(load_memory(dir.path()), (FormMemory::default(), None), "no file yet: nothing to say");
        let mut memory = FormMemory::default();
        let cluster = crate::domain::create::NewCluster {
            spark_version: Some("15.4.x-scala2.12".into()),
            ..Default::default()
        };
        memory.note("adb", &NewItem::Cluster(cluster), None);
        remember(&dir.path().join(MEMORY_FILE), &memory)?;
        assert_eq!(load_memory(dir.path()), (memory, None));
        std::fs::write(dir.path().join(MEMORY_FILE), "{\"workspaces\": [")?;
        let (read, why) = load_memory(dir.path());
        assert_eq!(read, FormMemory::default());
        let why = why.unwrap_or_default();
        assert!(why.contains("forms.json:1:") && why.ends_with("starts without its last choices"), "{why}");
        Ok(())
    }
}
