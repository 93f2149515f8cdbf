//! Any text as `config.toml`, then its `[keys]` as the monitor applies them: no panic; errors
//! name the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sparkdeck::config::MapEnv;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = std::path::PathBuf::from("/fuzz/config.toml");
    let env = MapEnv::new().with_home("/nonexistent-home-for-sparkdeck-fuzz");
    match sparkdeck::config::load::load_text(path.clone(), text, &env) {
        Ok(loaded) => {
            if let Err(e) = sparkdeck::cli::keys::keymap(&loaded.settings, Some(&path)) {
                assert!(e.starts_with("/fuzz/config.toml:"));
            }
        }
        Err(e) => assert!(e.to_string().contains("fix: ")),
    }
});
