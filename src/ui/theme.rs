//! Colour themes, built in from `assets/themes/*.toml` and chosen by name (config `ui.theme`).

use std::str::FromStr;

use ratatui::style::{Color, Style};
use serde::Deserialize;

use crate::domain::Status;

/// The built-in themes: name and TOML source.
const BUILT_IN: &[(&str, &str)] = &[
    ("dark", include_str!("../../assets/themes/dark.toml")),
    ("light", include_str!("../../assets/themes/light.toml")),
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ThemeError {
    #[error("unknown theme {name:?}; valid themes: {valid}")]
    Unknown { name: String, valid: String },
    #[error("theme {name:?} is invalid: {reason}")]
    Invalid { name: String, reason: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    status: StatusColors,
    ui: UiColors,
    json: JsonColors,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusColors {
    pending: String,
    ready: String,
    busy: String,
    succeeded: String,
    failed: String,
    cancelled: String,
    unknown: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UiColors {
    text: String,
    muted: String,
    border: String,
    title: String,
    tab: String,
    tab_active_fg: String,
    tab_active_bg: String,
    selected_fg: String,
    selected_bg: String,
    flash_fg: String,
    flash_bg: String,
    error: String,
    warning: String,
    key: String,
    dialog_border: String,
    /// A production workspace's name in the header (config `read_only = true`).
    production_fg: String,
    production_bg: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonColors {
    key: String,
    string: String,
    number: String,
    literal: String,
    punctuation: String,
}

/// Resolved styles for everything the renderer colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: &'static str,
    status: [Style; Status::ALL.len()],
    pub text: Style,
    pub muted: Style,
    pub border: Style,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub selected: Style,
    pub flash: Style,
    pub error: Style,
    pub warning: Style,
    pub key: Style,
    pub dialog_border: Style,
    /// A production workspace's name in the header.
    pub production: Style,
    pub json_key: Style,
    pub json_string: Style,
    pub json_number: Style,
    pub json_literal: Style,
    pub json_punctuation: Style,
}

impl Theme {
    /// Names accepted by `Theme::by_name`.
    pub fn names() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(n, _)| *n)
    }

    pub fn by_name(name: &str) -> Result<Theme, ThemeError> {
        let Some((name, source)) = BUILT_IN.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) else {
            return Err(ThemeError::Unknown {
                name: name.to_string(),
                valid: Theme::names().collect::<Vec<_>>().join(", "),
            });
        };
        parse(name, source)
    }

    /// The default theme.
    pub fn dark() -> Theme {
        // The built-in source is checked by the tests below; fall back to no colours at all
        // rather than fail at runtime.
        Theme::by_name("dark").unwrap_or_else(|_| Theme::plain())
    }

    /// No colours at all, for `NO_COLOR`: bold, reverse and dim mark what colour would.
    pub fn no_color() -> Theme {
        let s = Style::default();
        Theme {
            muted: s.dim(),
            border: s.dim(),
            error: s.bold(),
            warning: s.bold(),
            production: s.reversed().bold(),
            ..Theme::plain()
        }
    }

    /// No colours (terminal defaults), used if a built-in theme could not be read.
    fn plain() -> Theme {
        let s = Style::default();
        Theme {
            name: "plain",
            status: [s; Status::ALL.len()],
            text: s,
            muted: s,
            border: s,
            title: s,
            tab: s,
            tab_active: s.reversed(),
            selected: s.reversed(),
            flash: s.bold(),
            error: s,
            warning: s,
            key: s.bold(),
            dialog_border: s,
            production: s.reversed(),
            json_key: s,
            json_string: s,
            json_number: s,
            json_literal: s,
            json_punctuation: s,
        }
    }

    pub fn status(&self, status: Status) -> Style {
        self.status[Status::ALL.iter().position(|s| *s == status).unwrap_or(0)]
    }
}

fn parse(name: &'static str, source: &str) -> Result<Theme, ThemeError> {
    let invalid = |reason: String| ThemeError::Invalid { name: name.to_string(), reason };
    let file: ThemeFile = toml::from_str(source).map_err(|e| invalid(e.to_string()))?;
    let color = |field: &str, value: &str| {
        Color::from_str(value).map_err(|_| invalid(format!("{field} = {value:?} is not a colour")))
    };
    let fg = |field: &str, value: &str| color(field, value).map(|c| Style::default().fg(c));
    let pair = |field: &str, f: &str, b: &str| -> Result<Style, ThemeError> {
        Ok(Style::default().fg(color(field, f)?).bg(color(field, b)?))
    };
    let s = &file.status;
    let (u, j) = (&file.ui, &file.json);
    Ok(Theme {
        name,
        // Same order as `Status::ALL`.
        status: [
            fg("status.pending", &s.pending)?,
            fg("status.ready", &s.ready)?,
            fg("status.busy", &s.busy)?,
            fg("status.succeeded", &s.succeeded)?,
            fg("status.failed", &s.failed)?.bold(),
            fg("status.cancelled", &s.cancelled)?,
            fg("status.unknown", &s.unknown)?,
        ],
        text: fg("ui.text", &u.text)?,
        muted: fg("ui.muted", &u.muted)?,
        border: fg("ui.border", &u.border)?,
        title: fg("ui.title", &u.title)?.bold(),
        tab: fg("ui.tab", &u.tab)?,
        tab_active: pair("ui.tab_active", &u.tab_active_fg, &u.tab_active_bg)?.bold(),
        selected: pair("ui.selected", &u.selected_fg, &u.selected_bg)?,
        flash: pair("ui.flash", &u.flash_fg, &u.flash_bg)?,
        error: fg("ui.error", &u.error)?,
        warning: fg("ui.warning", &u.warning)?,
        key: fg("ui.key", &u.key)?.bold(),
        dialog_border: fg("ui.dialog_border", &u.dialog_border)?,
        production: pair("ui.production", &u.production_fg, &u.production_bg)?.bold(),
        json_key: fg("json.key", &j.key)?,
        json_string: fg("json.string", &j.string)?,
        json_number: fg("json.number", &j.number)?,
        json_literal: fg("json.literal", &j.literal)?,
        json_punctuation: fg("json.punctuation", &j.punctuation)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_parses() {
        for name in Theme::names() {
            let theme = Theme::by_name(name);
            assert!(theme.is_ok(), "{name}: {theme:?}");
        }
        assert_ne!(Theme::by_name("dark").ok(), Theme::by_name("light").ok());
        assert_eq!(Theme::dark().name, "dark");
    }

    #[test]
    fn unknown_names_list_the_valid_ones() {
        let err = Theme::by_name("solarized").err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("unknown theme \"solarized\"; valid themes: dark, light"));
    }

    #[test]
    fn bad_colours_are_reported_with_their_field() {
        let bad = include_str!("../../assets/themes/dark.toml")
            .replace("pending = \"yellow\"", "pending = \"nope\"");
        let err = parse("dark", &bad).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("theme \"dark\" is invalid: status.pending = \"nope\" is not a colour")
        );
    }
}
