//! `[keys]` applied to the built-in keymap, each problem named at its line in the config file
//! (the monitor refuses to start with a bad one; `doctor` reports it).

use std::path::Path;

use crate::app::keymap::Keymap;
use crate::config::{Location, Settings};

/// The keymap the monitor runs with, or why `[keys]` cannot be applied: `FILE:LINE:COL: reason`
/// (both lines when two of the user's keys clash).
pub fn keymap(settings: &Settings, config: Option<&Path>) -> Result<Keymap, String> {
    let overrides: Vec<(String, Vec<String>)> =
        settings.keys.iter().map(|k| (k.command.clone(), k.keys.clone())).collect();
    Keymap::with_overrides(&overrides).map_err(|e| {
        let mut lines: Vec<&Location> = e
            .commands
            .iter()
            .filter_map(|c| settings.keys.iter().find(|k| &k.command == c)?.at.as_ref())
            .collect();
        lines.sort_by_key(|l| (l.line, l.column));
        match lines.as_slice() {
            [] => match config {
                Some(path) => format!("{}: {e}", path.display()),
                None => e.to_string(),
            },
            [one] => format!("{one}: {e}"),
            [first, rest @ ..] => {
                let also: Vec<String> = rest.iter().map(|l| l.line.to_string()).collect();
                format!("{first}: {e} (see also line {})", also.join(", "))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Settings {
        let env = crate::config::MapEnv::new();
        match crate::config::load::load_text("/cfg/config.toml".into(), text, &env) {
            Ok(loaded) => loaded.settings,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_keys_error_names_its_line() {
        let err = |text: &str| keymap(&settings(text), Some(Path::new("/cfg/config.toml"))).err();
        assert!(keymap(&settings("[keys]\nkill = \"x\"\n"), None).is_ok());
        let unknown = err("read_only = false\n\n[keys]\nkil = \"x\"\n").unwrap_or_default();
        assert!(unknown.starts_with("/cfg/config.toml:4:7: [keys] kil: no such command"), "{unknown}");
        let bad = err("[keys]\nkill = \"x\"\ndown = [\"j\", \"ctrl-\"]\n").unwrap_or_default();
        assert!(
            bad.starts_with("/cfg/config.toml:3:8: [keys] down:") && bad.contains("ctrl- takes"),
            "{bad}"
        );
        // Against a built-in key: the user's line.
        let clash = err("[keys]\n\nkill = \"s\"\n").unwrap_or_default();
        assert!(clash.starts_with("/cfg/config.toml:3:8: [keys]: s would both"), "{clash}");
        // Between two of the user's keys: both lines.
        let both = err("[keys]\nkill = \"z\"\nsort = \"z\"\n").unwrap_or_default();
        assert!(both.contains("would both") && both.ends_with("(see also line 3)"), "{both}");
        assert!(both.starts_with("/cfg/config.toml:2:8:"), "{both}");
    }
}
