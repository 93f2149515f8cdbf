//! Fuzzing the configuration: `config.toml` (every fixture and the example, edited byte by byte
//! and line by line), `[keys]` tables of any names and keys, and `~/.databrickscfg` files. No
//! input panics; each error names the file (and the line, where the file has one) and a fix,
//! and never shows a secret.

#[path = "common/fuzz.rs"]
#[allow(dead_code)]
mod fuzz;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sparkdeck::config::{ConfigError, MapEnv, load};

/// Secrets planted in the seeds and the environment: no message may contain one.
const CANARIES: &[&str] = &[
    "dapi-CANARY-inline-0001",
    "CANARY-client-secret-2",
    "CANARY-password-3",
    "CANARY-env-4",
    "dapi-CANARY-cfg-5",
];

fn env() -> MapEnv {
    let mut env = MapEnv::new().with_home("/nonexistent-home-for-sparkdeck-fuzz");
    for var in ["SALES_SECRET", "CERT_PASSWORD", "PROD_TOKEN", "M2M_SECRET", "DATABRICKS_TOKEN", "T"] {
        env = env.with(var, CANARIES[3]);
    }
    env
}

fn config_seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = vec![std::fs::read_to_string(root.join("config.example.toml")).unwrap_or_default()];
    for dir in ["config/valid", "config/invalid"] {
        let mut paths: Vec<PathBuf> =
            std::fs::read_dir(fuzz::fixture(dir)).into_iter().flatten().flatten().map(|e| e.path()).collect();
        paths.sort();
        seeds.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    }
    seeds.push(format!(
        "[keys]\nkill = \"x\"\ndown = [\"j\", \"ctrl-n\"]\n\n[[databricks]]\nname = \"inline\"\nhost = \"https://adb-1.1.azuredatabricks.net\"\nauth = {{ method = \"pat\", token = \"{}\" }}\n\n[[fabric]]\nworkspace_id = \"4b6f1c9e-2d3a-4e5f-8a7b-9c0d1e2f3a4b\"\n[fabric.auth]\nmethod = \"service-principal-secret\"\ntenant_id = \"t\"\nclient_id = \"c\"\nclient_secret = \"{}\"\n\n[[fabric]]\nworkspace_id = \"5b6f1c9e-2d3a-4e5f-8a7b-9c0d1e2f3a4b\"\nauth = {{ method = \"service-principal-certificate\", tenant_id = \"t\", client_id = \"c\", certificate_path = \"x.pfx\", password = \"{}\" }}\n",
        CANARIES[0], CANARIES[1], CANARIES[2]
    ));
    assert!(seeds.len() > 20, "{}", seeds.len());
    seeds
}

/// A config error is precise: the file, a line inside it, a fix; and it keeps every secret out.
fn check_error(err: &ConfigError, path: &Path, text: &str) -> Result<(), TestCaseError> {
    let shown = format!("{err}");
    for canary in CANARIES {
        prop_assert!(!shown.contains(canary), "a secret in the message: {}", shown);
    }
    prop_assert!(shown.contains("fix: "), "no fix: {}", shown);
    if let Some(at) = err.location() {
        prop_assert_eq!(&at.path, path);
        prop_assert!(
            at.line >= 1 && at.line <= text.lines().count() + 1,
            "line {} of {}",
            at.line,
            text.lines().count()
        );
        prop_assert!(shown.starts_with(&format!("{}:{}:", path.display(), at.line)), "{}", shown);
    }
    Ok(())
}

proptest! {
    #![proptest_config(fuzz::cases(512))]

    #[test]
    fn edited_config_files_give_precise_errors(
        (seed, edits) in (prop::sample::select(config_seeds()), prop::collection::vec(fuzz::edit(), 0..5))
    ) {
        let text = fuzz::edited(&seed, &edits);
        let path = PathBuf::from("/fuzz/config.toml");
        match sparkdeck::config::load::load_text(path.clone(), &text, &env()) {
            Ok(loaded) => {
                // What the monitor and doctor do next with it.
                if let Err(e) = sparkdeck::cli::keys::keymap(&loaded.settings, Some(&path)) {
                    prop_assert!(e.starts_with("/fuzz/config.toml:"), "{}", e);
                }
                let debug = format!("{loaded:?}");
                for canary in CANARIES {
                    prop_assert!(!debug.contains(canary), "a secret in Debug output");
                }
            }
            Err(err) => check_error(&err, &path, &text)?,
        }
    }

    #[test]
    fn any_keys_table_is_applied_or_refused_at_its_line(
        entries in prop::collection::vec((key_name(), prop::collection::vec(key_spec(), 0..4)), 0..8)
    ) {
        let mut text = String::from("[keys]\n");
        for (name, keys) in &entries {
            let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
            text += &format!("{name:?} = [{}]\n", keys.join(", "));
        }
        let path = PathBuf::from("/fuzz/config.toml");
        match sparkdeck::config::load::load_text(path.clone(), &text, &env()) {
            Ok(loaded) => {
                if let Err(e) = sparkdeck::cli::keys::keymap(&loaded.settings, Some(&path)) {
                    let line: Option<usize> = e.strip_prefix("/fuzz/config.toml:")
                        .and_then(|rest| rest.split(':').next()).and_then(|n| n.parse().ok());
                    prop_assert!(line.is_some_and(|l| (2..=entries.len() + 1).contains(&l)), "{}", e);
                }
            }
            // Duplicate names are a TOML error, with their line.
            Err(err) => check_error(&err, &path, &text)?,
        }
    }
}

fn key_name() -> impl Strategy<Value = String> {
    let names: Vec<String> =
        sparkdeck::app::keymap::COMMAND_NAMES.iter().map(|(n, _)| n.to_string()).collect();
    prop_oneof![4 => prop::sample::select(names), 1 => "[a-z-]{1,12}", 1 => any::<String>()]
}

fn key_spec() -> impl Strategy<Value = String> {
    let keys = [
        "x",
        "s",
        "j",
        "ctrl-n",
        "alt-enter",
        "F5",
        "F13",
        "ctrl-",
        "alt-ctrl-x",
        "shift-tab",
        "esc",
        "space",
        "↓",
        "",
    ];
    prop_oneof![4 => prop::sample::select(keys.to_vec()).prop_map(str::to_string), 1 => "[a-z0-9-]{1,10}", 1 => any::<String>()]
}

// ------------------------------------------------------------------ ~/.databrickscfg

fn databrickscfg_seeds() -> Vec<String> {
    vec![
        std::fs::read_to_string(fuzz::fixture("config/databrickscfg")).unwrap_or_default(),
        format!(
            "[DEFAULT]\nhost  = https://adb-1234567890123456.7.azuredatabricks.net\ntoken = {}\n\n[azure-sp]\nhost = https://adb-1.7.azuredatabricks.net\nazure_workspace_resource_id = /subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws\nazure_tenant_id = t\nazure_client_id = c\nazure_client_secret = {}\nauth_type = azure-client-secret\n\n[emu]\nhost = http://127.0.0.1:8080\ntoken = dapi-local\n\n[__settings__]\ndefault_profile = emu\n",
            CANARIES[4], CANARIES[1]
        ),
    ]
}

#[test]
fn edited_databrickscfg_files_give_precise_errors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("databrickscfg");
    let profiles = ["DEFAULT", "m2m", "azure-sp", "both", "emu", "nope", "__settings__"];
    let mut runner = proptest::test_runner::TestRunner::new(fuzz::cases(384));
    let strategy = (
        prop::sample::select(databrickscfg_seeds()),
        prop::collection::vec(fuzz::edit(), 0..5),
        proptest::option::of(prop::sample::select(profiles.to_vec())),
    );
    let result = runner.run(&strategy, |(seed, edits, profile)| {
        let text = fuzz::edited(&seed, &edits);
        std::fs::write(&path, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut env = MapEnv::new()
            .with_home("/nonexistent-home-for-sparkdeck-fuzz")
            .with("DATABRICKS_CONFIG_FILE", path.to_str().unwrap_or_default());
        if let Some(p) = profile {
            env = env.with("DATABRICKS_CONFIG_PROFILE", p);
        }
        match load(None, None, &env) {
            Ok(loaded) => {
                let debug = format!("{loaded:?}");
                for canary in CANARIES {
                    prop_assert!(!debug.contains(canary), "a secret in Debug output");
                }
            }
            Err(err) => {
                let shown = err.to_string();
                for canary in CANARIES {
                    prop_assert!(!shown.contains(canary), "a secret in the message: {}", shown);
                }
                prop_assert!(shown.contains(&path.display().to_string()), "which file: {}", shown);
                prop_assert!(shown.contains("fix: "), "no fix: {}", shown);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
