//! The app's terminal effects: the clipboard (OSC 52) and notifications (bell, OSC 9, OSC 777).
//! The event loop writes them to the terminal it owns, between frames, never inside one.

use std::io::Write;

use crate::app::alerts::Channels;
use crate::config::NotificationSettings;

/// At most this much text goes to the clipboard (terminals cap OSC 52 payloads).
const MAX_COPY: usize = crate::app::COPY_LIMIT;

/// OSC 52: set the clipboard to `text` (base64). Cut on a character boundary at `MAX_COPY`.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    let mut end = text.len().min(MAX_COPY);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(&text[..end]))
}

/// The escape sequences for a notification: BEL, and OSC 9 (iTerm2, Windows Terminal, kitty)
/// plus OSC 777 (foot, rxvt, VTE) for a desktop notification. Control characters from API data
/// (item names) are removed so they cannot end the sequence early or inject others.
pub fn notification(settings: &NotificationSettings, title: &str, body: &str) -> String {
    let channels = Channels { bell: settings.bell, osc9: settings.osc, osc777: settings.osc };
    alert(channels, title, body)
}

/// The escapes of `channels` (an alert names its own): OSC 9, OSC 777, then BEL.
pub fn alert(channels: Channels, title: &str, body: &str) -> String {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>().replace(';', ",");
    let mut out = String::new();
    if channels.osc9 {
        out += &format!("\x1b]9;{}\x07", clean(body));
    }
    if channels.osc777 {
        out += &format!("\x1b]777;notify;{};{}\x07", clean(title), clean(body));
    }
    if channels.bell {
        out.push('\x07');
    }
    out
}

/// Write `escape` now. Best effort: a terminal that cannot take it has nowhere to say so.
pub(super) fn write(out: &mut dyn Write, escape: &str) {
    if !escape.is_empty() {
        let _ = out.write_all(escape.as_bytes()).and_then(|()| out.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clipboard_gets_base64_and_big_texts_are_cut_on_a_char_boundary() {
        assert_eq!(osc52("a\tb"), "\x1b]52;c;YQli\x07");
        let big = "é".repeat(MAX_COPY);
        assert!(osc52(&big).len() < big.len() * 2);
    }

    #[test]
    fn notifications_follow_the_settings_and_strip_control_characters() {
        let off = NotificationSettings::default();
        assert_eq!(notification(&off, "sparkdeck", "run ended"), "");
        let bell = NotificationSettings { bell: true, ..NotificationSettings::default() };
        assert_eq!(notification(&bell, "sparkdeck", "run ended"), "\x07");
        let osc = NotificationSettings { osc: true, ..NotificationSettings::default() };
        let text = notification(&osc, "sparkdeck", "run \"evil\x1b]0;x\x07\" ended; ok");
        assert_eq!(
            text,
            "\x1b]9;run \"evil]0,x\" ended, ok\x07\x1b]777;notify;sparkdeck;run \"evil]0,x\" ended, ok\x07"
        );
    }

    #[test]
    fn an_alert_writes_exactly_its_channels() {
        let only = |bell, osc9, osc777| alert(Channels { bell, osc9, osc777 }, "t", "b");
        assert_eq!(only(true, false, false), "\x07");
        assert_eq!(only(false, true, false), "\x1b]9;b\x07");
        assert_eq!(only(false, false, true), "\x1b]777;notify;t;b\x07");
        assert_eq!(only(true, true, true), "\x1b]9;b\x07\x1b]777;notify;t;b\x07\x07");
        assert_eq!(only(false, false, false), "");
    }
}
