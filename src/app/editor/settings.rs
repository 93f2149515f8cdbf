//! The REPL settings of a place in a Fabric lakehouse, opened from the target picker (ctrl-s on
//! a lakehouse line): the environment (one of the workspace's, read when first needed), Spark
//! `conf` as KEY=VALUE lines, driver and executor sizes, and the session tag. They start from
//! the tab's own settings when it already runs there, else from the workspace's `[fabric.repl]`.
//! Applying moves the tab there with them; a REPL held with other settings is given back, so the
//! next run acquires one with these (a REPL never silently keeps settings it was not made with).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::App;
use crate::app::msg::Effect;
use crate::domain::create::{check_count, check_memory};
use crate::domain::request::key_values;
use crate::domain::statement::ReplSettings;

use super::ReplState;
use super::place::{Place, Within};

/// The form's fields, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Environment,
    Conf,
    DriverMemory,
    DriverCores,
    ExecutorMemory,
    ExecutorCores,
    NumExecutors,
    Tag,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Environment,
        Field::Conf,
        Field::DriverMemory,
        Field::DriverCores,
        Field::ExecutorMemory,
        Field::ExecutorCores,
        Field::NumExecutors,
        Field::Tag,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Environment => "environment",
            Field::Conf => "conf",
            Field::DriverMemory => "driver memory",
            Field::DriverCores => "driver cores",
            Field::ExecutorMemory => "executor memory",
            Field::ExecutorCores => "executor cores",
            Field::NumExecutors => "executors",
            Field::Tag => "session tag",
        }
    }
}

/// What is known of a workspace's environments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environments {
    Reading,
    /// Why they could not be read (the workspace's words).
    Failed(String),
    /// (id, name), as Fabric lists them.
    Read(Vec<(String, String)>),
}

/// The settings form on screen, over the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsForm {
    pub workspace: String,
    /// The lakehouse's label.
    pub lakehouse: String,
    /// Index into [`Field::ALL`].
    pub focus: usize,
    /// The environment's id (`None`: the workspace's default).
    pub environment: Option<String>,
    /// The text of every field but the environment, by [`Field::ALL`] index.
    pub text: [String; 8],
    /// Why the last apply was refused.
    pub error: Option<String>,
}

impl SettingsForm {
    fn new(workspace: &str, lakehouse: &str, s: &ReplSettings) -> SettingsForm {
        let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        let conf: Vec<String> = s.conf.iter().map(|(k, v)| format!("{k}={v}")).collect();
        SettingsForm {
            workspace: workspace.into(),
            lakehouse: lakehouse.into(),
            focus: 0,
            environment: s.environment.clone(),
            text: [
                String::new(),
                conf.join("\n"),
                s.driver_memory.clone().unwrap_or_default(),
                opt(s.driver_cores),
                s.executor_memory.clone().unwrap_or_default(),
                opt(s.executor_cores),
                opt(s.num_executors),
                s.tag().to_string(),
            ],
            error: None,
        }
    }

    pub fn field(&self) -> Field {
        Field::ALL[self.focus]
    }

    /// The settings the form says, or what is wrong with them (the field, and the line of conf).
    pub fn settings(&self) -> Result<ReplSettings, String> {
        let text = |f: Field| self.text[f as usize].trim();
        let mut conf = std::collections::BTreeMap::new();
        for (i, line) in self.text[Field::Conf as usize].lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let pairs = key_values(&format!("conf line {}", i + 1), &[line.to_string()])?;
            for (k, v) in pairs {
                if k == "spark.fabric.environmentDetails" {
                    return Err(format!("conf line {}: the environment is chosen above, not in conf", i + 1));
                }
                conf.insert(k, v);
            }
        }
        let memory = |f: Field| -> Result<Option<String>, String> {
            let v = text(f);
            if v.is_empty() {
                return Ok(None);
            }
            check_memory(f.label(), v)?;
            Ok(Some(v.to_string()))
        };
        let count = |f: Field| -> Result<Option<u32>, String> {
            let v = text(f);
            if v.is_empty() {
                return Ok(None);
            }
            let n = v.parse().map_err(|_| format!("{} {v:?}: expected a whole number", f.label()))?;
            check_count(f.label(), n)?;
            Ok(Some(n))
        };
        let tag = text(Field::Tag);
        if tag.contains(char::is_whitespace) {
            return Err(format!("session tag {tag:?}: one word, without spaces"));
        }
        Ok(ReplSettings {
            session_tag: (!tag.is_empty()).then(|| tag.to_string()),
            environment: self.environment.clone(),
            conf,
            driver_memory: memory(Field::DriverMemory)?,
            driver_cores: count(Field::DriverCores)?,
            executor_memory: memory(Field::ExecutorMemory)?,
            executor_cores: count(Field::ExecutorCores)?,
            num_executors: count(Field::NumExecutors)?,
        })
    }

    /// ←/→ on the environment: the next (or previous) of none, the workspace's environments, and
    /// the one configured if Fabric does not list it.
    fn cycle(&mut self, environments: &Environments, forward: bool) {
        let mut choices: Vec<Option<String>> = vec![None];
        if let Environments::Read(list) = environments {
            choices.extend(list.iter().map(|(id, _)| Some(id.clone())));
        }
        if !choices.contains(&self.environment) {
            choices.push(self.environment.clone());
        }
        let i = choices.iter().position(|c| *c == self.environment).unwrap_or(0);
        let n = choices.len();
        self.environment = choices[if forward { (i + 1) % n } else { (i + n - 1) % n }].clone();
    }
}

/// Two settings the same for acquiring: the tag said or left to its default alike.
fn normalised(mut s: ReplSettings) -> ReplSettings {
    s.session_tag = Some(s.tag().to_string());
    s
}

impl App {
    /// The session tags this app knows of, other than `but`: configured for a workspace, typed
    /// as tag:NAME or chosen in a tab's settings (Fabric lists no high-concurrency sessions, so
    /// the tags in use elsewhere cannot be known).
    pub fn known_tags(&self, but: &str) -> Vec<String> {
        let mut tags: Vec<String> = self
            .workspaces
            .iter()
            .filter(|w| w.workspace.service == crate::domain::Service::Fabric)
            .map(|w| self.targets.configured(&w.workspace.name).tag().to_string())
            .collect();
        for tab in self.console.tabs() {
            tags.extend(tab.place.as_ref().and_then(Place::tag).map(str::to_string));
            tags.extend(tab.settings.as_ref().map(|s| s.tag().to_string()));
        }
        tags.sort();
        tags.dedup();
        tags.retain(|t| t != but);
        tags
    }

    /// Open the settings of the picker's highlighted place (a lakehouse of a Fabric workspace).
    pub(in crate::app) fn open_settings(&mut self) -> Vec<Effect> {
        let Some(picker) = &self.console.picker else { return Vec::new() };
        let item = self.picker_items().into_iter().nth(picker.selected);
        let Some((place, lakehouse, tag)) = item.and_then(|i| -> Option<(Place, String, Option<String>)> {
            let (lakehouse, tag) = match &i.place.within {
                Within::Lakehouse(Some(l)) => (l.clone(), None),
                Within::Tagged { lakehouse, tag } => (lakehouse.clone(), Some(tag.clone())),
                _ => return None,
            };
            Some((i.place, lakehouse, tag))
        }) else {
            self.info("REPL settings are for sparkdeck's own REPLs: choose a lakehouse line first.".into());
            return Vec::new();
        };
        let tab = self.console.tab();
        let here = tab.place.as_ref().is_some_and(|p| p.same_as(&place));
        let mut start = match (&tab.settings, here) {
            (Some(s), true) => s.clone(),
            _ => self.targets.configured(&place.workspace).clone(),
        };
        if tag.is_some() {
            start.session_tag = tag;
        }
        let form = SettingsForm::new(&place.workspace, &lakehouse, &start);
        let workspace = place.workspace;
        if let Some(p) = &mut self.console.picker {
            p.settings = Some(form);
        }
        match self.targets.read_environments(&workspace) {
            true => vec![Effect::LoadEnvironments { workspace }],
            false => Vec::new(),
        }
    }

    /// Keys while the settings form is open: ↑/↓ (tab) between fields, ←/→ the environment,
    /// typing edits, enter a new conf line (or applies), ctrl-s applies, esc back to the picker.
    pub(in crate::app) fn on_settings_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let Some(form) = self.console.picker.as_mut().and_then(|p| p.settings.as_mut()) else {
            return Vec::new();
        };
        let last = Field::ALL.len() - 1;
        match key.code {
            KeyCode::Esc => {
                if let Some(p) = &mut self.console.picker {
                    p.settings = None;
                }
            }
            KeyCode::Char('c') if ctrl => return vec![Effect::Quit],
            KeyCode::Char('s') if ctrl => return self.apply_settings(),
            KeyCode::Enter if form.field() != Field::Conf => return self.apply_settings(),
            KeyCode::Enter => form.text[Field::Conf as usize].push('\n'),
            KeyCode::Down | KeyCode::Tab => form.focus = (form.focus + 1).min(last),
            KeyCode::Up | KeyCode::BackTab => form.focus = form.focus.saturating_sub(1),
            KeyCode::Left | KeyCode::Right if form.field() == Field::Environment => {
                let forward = key.code == KeyCode::Right;
                form.cycle(self.targets.environments(&form.workspace), forward);
            }
            KeyCode::Backspace if form.field() == Field::Environment => form.environment = None,
            KeyCode::Backspace => {
                form.text[form.focus].pop();
            }
            KeyCode::Char(c)
                if form.field() != Field::Environment
                    && !ctrl
                    && !key.modifiers.contains(KeyModifiers::ALT) =>
            {
                form.text[form.focus].push(c);
            }
            _ => {}
        }
        Vec::new()
    }

    /// The form's settings for the tab, or why not (said in the form, which stays open).
    fn apply_settings(&mut self) -> Vec<Effect> {
        let Some(form) = self.console.picker.as_mut().and_then(|p| p.settings.as_mut()) else {
            return Vec::new();
        };
        let settings = match form.settings() {
            Ok(s) => s,
            Err(e) => {
                form.error = Some(e);
                return Vec::new();
            }
        };
        let (workspace, lakehouse) = (form.workspace.clone(), form.lakehouse.clone());
        let configured = normalised(self.targets.configured(&workspace).clone());
        let chosen = Some(normalised(settings)).filter(|s| *s != configured);
        let place = Place { workspace: workspace.clone(), within: Within::Lakehouse(Some(lakehouse)) };
        self.console.picker = None;
        let tab = self.console.tab();
        let here = tab.place.as_ref().is_some_and(|p| p.same_as(&place));
        let had_repl = !matches!(tab.repl, ReplState::None | ReplState::Failed(_));
        let mut effects = if here {
            if tab.settings == chosen {
                self.info("The settings are as they were: this tab's REPL stays.".into());
                return Vec::new();
            }
            // Other settings need another REPL: the one held (or coming) is given back.
            let effects = self.leave_place(&workspace);
            self.console.tab_mut().repl = ReplState::None;
            effects
        } else {
            self.move_tab(place)
        };
        self.console.tab_mut().settings = chosen;
        let label = self.target_label();
        self.info(if here && had_repl {
            format!(
                "Other settings need a REPL of their own: the one this tab held is given back, and the next \
                 run acquires one in {label}."
            )
        } else {
            format!("This tab's next run acquires a REPL in {label}.")
        });
        effects.push(Effect::SaveDraft(self.console.drafts()));
        effects
    }
}
