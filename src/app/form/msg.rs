//! What the New form asks the effect runner (`CreateEffect`, inside `Effect::Create`) and what
//! comes back (`FormMsg`, inside `Msg::Form`): lists for its pickers, what an edit or resubmit
//! starts from, the exact request checked with the workspace, the create itself (sent once),
//! a permanent delete, a template saved in the configuration, what to remember.

use serde_json::Value;

use crate::domain::create::{NewItem, Template};
use crate::domain::{Kind, Target};

use super::fields::{Choice, Source};
use super::memory::FormMemory;

/// What an edit or a resubmit starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefillOf {
    /// A cluster's current configuration (`E`).
    Cluster(String),
    /// A batch's `livyInfo.jobCreationRequest` (`R`).
    Batch(String),
}

/// What the form sends: a new item, or a cluster's whole new configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub item: NewItem,
    /// `clusters/edit` of this cluster instead of a create.
    pub edit: Option<String>,
}

/// The effects of the New form and of the permanent delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateEffect {
    /// Read the list `source` of `workspace`; answer with `FormMsg::Choices`.
    LoadChoices { workspace: String, source: Source },
    /// Read what form `form` starts from; answer with `FormMsg::Prefill`.
    LoadPrefill { form: u64, workspace: String, of: PrefillOf },
    /// Check the request with the workspace (names looked up, local files hashed, runtimes and
    /// node types checked) and make the exact body, kept for `Send`; nothing is created.
    /// Answer with `FormMsg::Prepared`.
    Prepare { form: u64, workspace: String, request: Box<Request> },
    /// Send, once, exactly what `Prepare` made for `form`; answer with `FormMsg::Progress`es
    /// and one `FormMsg::Finished`.
    Send { form: u64 },
    /// Forget what `Prepare` made for `form` (the form went back to editing or was closed).
    Discard { form: u64 },
    /// `clusters/permanent-delete`; answer with `FormMsg::Deleted`.
    DeleteCluster { target: Target },
    /// Add (or replace) `[templates.NAME]` in the configuration file; answer with
    /// `FormMsg::TemplateSaved`.
    SaveTemplate { template: Template },
    /// Keep what the form remembers in the data directory.
    Remember(FormMemory),
}

/// The request as it will be sent, for the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub workspace: String,
    /// The lakehouse whose Livy API takes a session or batch.
    pub lakehouse: Option<String>,
    /// What is called: "POST …/batches", "clusters/edit".
    pub call: String,
    /// The exact body.
    pub body: Value,
    /// Local files uploaded first ("etl.py (2.1 KiB) → Files/sparkdeck/uploads/…").
    pub uploads: Vec<String>,
    /// Things worth knowing before it runs.
    pub warnings: Vec<String>,
}

/// What a create made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedItem {
    pub kind: Kind,
    pub workspace: String,
    pub id: String,
    pub name: Option<String>,
    pub lakehouse: Option<String>,
    /// The body that was sent.
    pub request: Value,
    /// A `clusters/edit` rather than a create.
    pub edited: bool,
}

/// Why a create did not (certainly) happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Nothing was created: bad input, or the service refused (with what to do).
    Refused(String),
    /// It was sent and the outcome is unknown: it may have been created (what was found is in
    /// the text). It was not sent again.
    MayExist(String),
}

/// What comes back to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormMsg {
    Choices {
        workspace: String,
        source: Source,
        result: Result<Vec<Choice>, String>,
    },
    Prefill {
        form: u64,
        result: Result<Box<NewItem>, String>,
    },
    Prepared {
        form: u64,
        result: Result<Box<Preview>, String>,
    },
    /// Upload progress while `form`'s create is being sent.
    Progress {
        form: u64,
        text: String,
    },
    Finished {
        form: u64,
        result: Result<CreatedItem, Failure>,
    },
    Deleted {
        target: Target,
        result: Result<(), String>,
    },
    /// Where it went ("saved in FILE", "kept for this run only: …"), or why not.
    TemplateSaved {
        template: Template,
        result: Result<String, String>,
    },
}
