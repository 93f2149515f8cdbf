//! `[[alerts]]` made into the monitor's alerts, each problem named at its line in the config
//! file (the monitor refuses to start with a bad one, as with `[keys]`).

use crate::app::alerts::{Alert, Channels};
use crate::config::Settings;
use crate::config::alerts::Channel;

/// The monitor's alerts, or `FILE:LINE:COL: [[alerts]] "NAME": when: why`.
pub fn alerts(settings: &Settings) -> Result<Vec<Alert>, String> {
    settings
        .alerts
        .iter()
        .map(|rule| {
            let notify = Channels {
                bell: rule.notify.contains(&Channel::Bell),
                osc9: rule.notify.contains(&Channel::Osc9),
                osc777: rule.notify.contains(&Channel::Osc777),
            };
            Alert::new(&rule.name, &rule.when, notify, rule.on_start).map_err(|why| {
                let at = rule.at.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
                format!("{at}[[alerts]] \"{}\": when = {:?}: {why}", rule.name, rule.when)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Settings, String> {
        let env = crate::config::MapEnv::new();
        crate::config::load::load_text("/cfg/config.toml".into(), text, &env)
            .map(|l| l.settings)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn alerts_read_with_their_channels_and_errors_name_the_line() -> Result<(), String> {
        let text = "[[alerts]]\nname = \"prod failures\"\nwhen = \"state:failed ws:prod kind:run\"\nnotify = [\"bell\", \"osc9\"]\n\n[[alerts]]\nname = \"dead\"\nwhen = \"state:dead\"\non_start = true\n";
        let made = alerts(&load(text)?)?;
        assert_eq!(made.len(), 2);
        assert_eq!(made[0].notify, Channels { bell: true, osc9: true, osc777: false });
        assert_eq!(made[1].notify, Channels { bell: true, osc9: true, osc777: true }, "default: all three");
        assert!(made[1].on_start && !made[0].on_start);
        let bad =
            alerts(&load("\n[[alerts]]\nname = \"x\"\nwhen = \"stat:failed\"\n")?).err().unwrap_or_default();
        assert!(
            bad.starts_with(
                "/cfg/config.toml:4:8: [[alerts]] \"x\": when = \"stat:failed\": unknown field \"stat\""
            ),
            "{bad}"
        );
        // Wrong channels and keys are the TOML reader's: also with file and line.
        let channel = load("[[alerts]]\nname = \"x\"\nwhen = \"state:failed\"\nnotify = [\"beep\"]\n")
            .err()
            .unwrap_or_default();
        assert!(channel.starts_with("/cfg/config.toml:4:") && channel.contains("beep"), "{channel}");
        let key = load("[[alerts]]\nname = \"x\"\nwhen = \"state:failed\"\nonstart = true\n")
            .err()
            .unwrap_or_default();
        assert!(key.starts_with("/cfg/config.toml:4:") && key.contains("onstart"), "{key}");
        let missing = load("[[alerts]]\nname = \"x\"\n").err().unwrap_or_default();
        assert!(missing.starts_with("/cfg/config.toml:1:") && missing.contains("when"), "{missing}");
        Ok(())
    }
}
