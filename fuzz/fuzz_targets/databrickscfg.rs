//! Any bytes as `~/.databrickscfg`: no panic; errors name the file and a fix.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sparkdeck::config::{MapEnv, load};

fn file() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sparkdeck-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir.join("databrickscfg")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = file();
    if std::fs::write(path, data).is_err() {
        return;
    }
    let env = MapEnv::new()
        .with_home("/nonexistent-home-for-sparkdeck-fuzz")
        .with("DATABRICKS_CONFIG_FILE", path.to_str().unwrap_or_default());
    if let Err(e) = load(None, None, &env) {
        let text = e.to_string();
        assert!(text.contains(&path.display().to_string()) && text.contains("fix: "));
    }
});
