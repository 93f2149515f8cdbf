//! One key: how it is matched against a terminal event, how help spells it, and how the
//! user's `[keys]` write it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key: a code plus Ctrl/Alt (Shift is part of the character for letters; with Ctrl it is
/// a modifier of its own, for ctrl-shift-z).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

pub(super) const fn key(c: char) -> KeySpec {
    KeySpec { code: KeyCode::Char(c), modifiers: KeyModifiers::NONE }
}

pub(super) const fn ctrl(c: char) -> KeySpec {
    KeySpec { code: KeyCode::Char(c), modifiers: KeyModifiers::CONTROL }
}

pub(super) const fn ctrl_shift(c: char) -> KeySpec {
    KeySpec { code: KeyCode::Char(c), modifiers: KeyModifiers::CONTROL.union(KeyModifiers::SHIFT) }
}

pub(super) const fn ctrl_code(code: KeyCode) -> KeySpec {
    KeySpec { code, modifiers: KeyModifiers::CONTROL }
}

pub(super) const fn code(code: KeyCode) -> KeySpec {
    KeySpec { code, modifiers: KeyModifiers::NONE }
}

pub(super) const fn alt(code: KeyCode) -> KeySpec {
    KeySpec { code, modifiers: KeyModifiers::ALT }
}

impl KeySpec {
    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Terminals report Shift on upper-case letters and on BackTab inconsistently; with Ctrl
        // (which legacy terminals cannot shift) it is kept, so ctrl-shift-z is not ctrl-z.
        let mut relevant = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if event.modifiers.contains(KeyModifiers::CONTROL | KeyModifiers::SHIFT) {
            relevant |= KeyModifiers::SHIFT;
        }
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        code == self.code && relevant == self.modifiers
    }

    /// How help and the footer spell the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "pgup".into(),
            KeyCode::PageDown => "pgdn".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}").to_lowercase(),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL | KeyModifiers::SHIFT) {
            format!("ctrl-shift-{base}")
        } else if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("ctrl-{base}")
        } else if self.modifiers.contains(KeyModifiers::ALT) {
            format!("alt-{base}")
        } else {
            base
        }
    }
}

/// "x", "X", "ctrl-x", "enter", "esc", "tab", "shift-tab", "backspace", "space", "up", "down",
/// "left", "right", "home", "end", "pgup", "pgdn", "f1"…"f12", and "alt-" before any of them.
pub fn parse_key(text: &str) -> Result<KeySpec, String> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.starts_with("alt-") && lower.len() > 4 {
        let inner = parse_key(&text.trim()[4..])?;
        if inner.modifiers != KeyModifiers::NONE {
            return Err(format!("{text:?}: alt- takes a plain key"));
        }
        return Ok(alt(inner.code));
    }
    if let Some(rest) = lower.strip_prefix("ctrl-shift-") {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphabetic() => Ok(ctrl_shift(c)),
            _ => Err(format!("{text:?}: ctrl-shift- takes one letter")),
        };
    }
    if let Some(rest) = lower.strip_prefix("ctrl-") {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() || "/[]\\".contains(c) => Ok(ctrl(c)),
            _ => match parse_key(rest) {
                Ok(KeySpec { code: code @ KeyCode::F(_), modifiers }) if modifiers.is_empty() => {
                    Ok(ctrl_code(code))
                }
                _ => Err(format!("{text:?}: ctrl- takes one letter, digit, / [ ] \\ or F-key")),
            },
        };
    }
    let named = match lower.as_str() {
        "enter" => Some(KeyCode::Enter),
        "esc" | "escape" => Some(KeyCode::Esc),
        "tab" => Some(KeyCode::Tab),
        "shift-tab" | "backtab" => Some(KeyCode::BackTab),
        "backspace" => Some(KeyCode::Backspace),
        "space" => Some(KeyCode::Char(' ')),
        "up" => Some(KeyCode::Up),
        "down" => Some(KeyCode::Down),
        "left" => Some(KeyCode::Left),
        "right" => Some(KeyCode::Right),
        "home" => Some(KeyCode::Home),
        "end" => Some(KeyCode::End),
        "pgup" | "pageup" => Some(KeyCode::PageUp),
        "pgdn" | "pagedown" => Some(KeyCode::PageDown),
        f if f.starts_with('f') && f.len() > 1 => {
            f[1..].parse::<u8>().ok().filter(|n| (1..=12).contains(n)).map(KeyCode::F)
        }
        _ => None,
    };
    if let Some(code) = named {
        return Ok(KeySpec { code, modifiers: KeyModifiers::NONE });
    }
    // A single character, case kept ("G" is shift-g).
    let mut chars = text.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => Ok(key(c)),
        _ => Err(format!("{text:?} is not a key (try \"x\", \"X\", \"ctrl-x\", \"enter\", \"f5\")")),
    }
}
