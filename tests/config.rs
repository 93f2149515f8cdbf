//! Configuration: every fixture under tests/fixtures/config/, `~/.databrickscfg` precedence,
//! the permission warning and secret redaction, with real files and an injected environment.

use std::path::{Path, PathBuf};

use secrecy::ExposeSecret;
use sparkdeck::auth::spec::{DatabricksAuth, EntraCredential, FabricAuth};
use sparkdeck::config::{ConfigError, LoadedConfig, MapEnv, Theme, load};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config").join(rel)
}

/// An environment with a home directory that has no `.databrickscfg`, plus the test's variables.
fn env(vars: &[(&str, &str)]) -> MapEnv {
    let mut env = MapEnv::new().with_home("/nonexistent-home-for-sparkdeck-tests");
    for (k, v) in vars {
        env = env.with(k, v);
    }
    env
}

fn load_fixture(rel: &str, env: &MapEnv) -> Result<LoadedConfig, ConfigError> {
    load(Some(&fixture(rel)), None, env)
}

fn entra_of(auth: &FabricAuth) -> &EntraCredential {
    match auth {
        FabricAuth::Entra { credential, .. } => credential,
        other => panic!("expected an Entra credential, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Valid fixtures

#[test]
fn empty_file_has_defaults_and_no_workspaces() {
    let cfg = load_fixture("valid/empty.toml", &env(&[])).unwrap();
    assert_eq!(cfg.path, Some(fixture("valid/empty.toml")));
    assert!(cfg.fabric.is_empty() && cfg.databricks.is_empty());
    assert!(!cfg.settings.read_only);
    assert_eq!(cfg.settings.ui.theme, Theme::Dark);
    assert_eq!(cfg.settings.poll.active().as_secs(), 3);
    assert_eq!(cfg.settings.poll.idle().as_secs(), 15);
    assert_eq!(cfg.settings.poll.finished().as_secs(), 60);
    assert!(!cfg.settings.notifications.bell && !cfg.settings.notifications.osc);
    assert!(cfg.warnings.is_empty());
}

#[test]
fn minimal_fabric_defaults_to_azure_cli_and_the_public_endpoint() {
    let cfg = load_fixture("valid/minimal_fabric.toml", &env(&[])).unwrap();
    let ws = &cfg.fabric[0];
    assert_eq!(ws.name, "4b6f1c9e-2d3a-4e5f-8a7b-9c0d1e2f3a4b");
    assert_eq!(ws.workspace_id, "4b6f1c9e-2d3a-4e5f-8a7b-9c0d1e2f3a4b");
    assert_eq!(ws.endpoint, "https://api.fabric.microsoft.com");
    assert!(ws.lakehouses.is_empty());
    assert!(matches!(entra_of(&ws.auth), EntraCredential::AzureCli { tenant_id: None, subscription: None }));
    assert_eq!(ws.origin.config_file.as_ref().map(|l| l.line), Some(1), "the [[fabric]] header");
}

#[test]
fn full_fixture_resolves_every_workspace() {
    let env = env(&[
        ("SALES_SECRET", "sales-secret-value"),
        ("CERT_PASSWORD", "cert-password-value"),
        ("PROD_TOKEN", "dapi-prod-token-value-000000000000"),
        ("M2M_SECRET", "dose-m2m-secret-value"),
    ]);
    let cfg = load_fixture("valid/full.toml", &env).unwrap();
    let s = &cfg.settings;
    assert!(s.read_only);
    assert_eq!(s.ui.theme, Theme::Light);
    assert_eq!(
        (s.poll.active().as_secs(), s.poll.idle().as_secs(), s.poll.finished().as_secs()),
        (2, 20, 120)
    );
    assert!(s.notifications.bell && s.notifications.osc);

    let names: Vec<&str> = cfg.fabric.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["Sales", "Local sim"]);
    let sales = &cfg.fabric[0];
    assert_eq!(sales.endpoint, "https://fabric.example.com");
    assert_eq!(sales.lakehouses.len(), 2);
    assert_eq!(sales.lakehouses[0].id, "5c7a2d0f-3e4b-4f6a-9b8c-0d1e2f3a4b5c");
    assert_eq!(sales.lakehouses[0].name, None);
    assert_eq!(sales.lakehouses[1].name.as_deref(), Some("bronze"));
    match &sales.auth {
        FabricAuth::Entra {
            credential: EntraCredential::ClientSecret { tenant_id, client_id, client_secret },
            endpoints,
        } => {
            assert_eq!((tenant_id.as_str(), client_id.as_str()), ("tenant-a", "client-a"));
            assert_eq!(client_secret.expose_secret(), "sales-secret-value");
            assert_eq!(endpoints.authority_host.as_deref(), Some("https://login.microsoftonline.us"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sales.origin.env_vars, ["SALES_SECRET"]);

    let local = &cfg.fabric[1];
    assert_eq!(local.endpoint, "http://127.0.0.1:18080");
    match entra_of(&local.auth) {
        EntraCredential::ClientCertificate { certificate_path, certificate_password, .. } => {
            assert_eq!(certificate_path, &fixture("valid/certs/sp.pfx"));
            assert_eq!(certificate_password.as_ref().map(|p| p.expose_secret()), Some("cert-password-value"));
        }
        other => panic!("{other:?}"),
    }

    let prod = &cfg.databricks[0];
    assert_eq!(prod.host, "https://adb-1234567890123456.7.azuredatabricks.net");
    match &prod.auth {
        DatabricksAuth::Pat { token } => {
            assert_eq!(token.expose_secret(), "dapi-prod-token-value-000000000000")
        }
        other => panic!("{other:?}"),
    }
    let analytics = &cfg.databricks[1];
    match &analytics.auth {
        DatabricksAuth::Entra {
            credential: EntraCredential::ManagedIdentity { client_id },
            sp_management_resource_id,
            ..
        } => {
            assert_eq!(client_id.as_deref(), Some("mi-client"));
            assert!(
                sp_management_resource_id.as_deref().is_some_and(|id| id.ends_with("/workspaces/analytics"))
            );
        }
        other => panic!("{other:?}"),
    }
    let emu = &cfg.databricks[2];
    assert_eq!(emu.host, "http://localhost:8080");
    match &emu.auth {
        DatabricksAuth::OAuthM2M { client_id, client_secret } => {
            assert_eq!(client_id, "m2m-client");
            assert_eq!(client_secret.expose_secret(), "dose-m2m-secret-value");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn standard_environment_variables_fill_gaps() {
    let env = env(&[
        ("AZURE_TENANT_ID", "env-tenant"),
        ("AZURE_CLIENT_ID", "env-client"),
        ("AZURE_CLIENT_SECRET", "env-secret-value"),
        ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"),
        ("AZURE_AUTHORITY_HOST", "https://login.chinacloudapi.cn/"),
        ("DATABRICKS_TOKEN", "dapi-env-token-00000000000000000000"),
    ]);
    let cfg = load_fixture("valid/env_gaps.toml", &env).unwrap();
    match &cfg.fabric[0].auth {
        FabricAuth::Entra {
            credential: EntraCredential::ClientSecret { tenant_id, client_id, client_secret },
            endpoints,
        } => {
            assert_eq!((tenant_id.as_str(), client_id.as_str()), ("env-tenant", "env-client"));
            assert_eq!(client_secret.expose_secret(), "env-secret-value");
            assert_eq!(endpoints.authority_host.as_deref(), Some("https://login.chinacloudapi.cn"));
        }
        other => panic!("{other:?}"),
    }
    assert!(cfg.fabric[0].origin.env_vars.contains(&"AZURE_CLIENT_SECRET".to_string()));
    match entra_of(&cfg.fabric[1].auth) {
        EntraCredential::WorkloadIdentity { tenant_id, client_id, token_file } => {
            assert_eq!((tenant_id.as_str(), client_id.as_str()), ("env-tenant", "explicit-client"));
            assert_eq!(token_file, Path::new("/var/run/secrets/azure/tokens/azure-identity-token"));
        }
        other => panic!("{other:?}"),
    }
    let dbx = &cfg.databricks[0];
    assert_eq!(dbx.name, "adb-1234567890123456.7.azuredatabricks.net");
    assert!(
        matches!(&dbx.auth, DatabricksAuth::Pat { token } if token.expose_secret().starts_with("dapi-env"))
    );
    assert_eq!(dbx.origin.env_vars, ["DATABRICKS_TOKEN"]);
}

#[test]
fn config_profiles_take_host_and_auth_from_databrickscfg() {
    let cfgfile = fixture("databrickscfg");
    // Environment credentials must not leak into a profile named in config.toml.
    let env = env(&[
        ("DATABRICKS_CONFIG_FILE", cfgfile.to_str().unwrap()),
        ("DATABRICKS_TOKEN", "dapi-env-ignored"),
    ]);
    let cfg = load_fixture("valid/databricks_profile.toml", &env).unwrap();
    let m2m = &cfg.databricks[0];
    assert_eq!(m2m.name, "m2m");
    assert_eq!(m2m.host, "https://adb-2222222222222222.2.azuredatabricks.net");
    assert!(matches!(&m2m.auth, DatabricksAuth::OAuthM2M { client_id, .. } if client_id == "m2m-app"));
    assert_eq!(m2m.origin.databrickscfg, Some((cfgfile.clone(), "m2m".to_string())));
    let sp = &cfg.databricks[1];
    assert_eq!(sp.name, "Azure SP");
    match &sp.auth {
        DatabricksAuth::Entra {
            credential: EntraCredential::ClientSecret { tenant_id, client_id, client_secret },
            sp_management_resource_id,
            ..
        } => {
            assert_eq!((tenant_id.as_str(), client_id.as_str()), ("tenant-9", "azure-app-9"));
            assert_eq!(client_secret.expose_secret(), "azure-secret-value-9");
            assert!(sp_management_resource_id.as_deref().is_some_and(|id| id.ends_with("/workspaces/ws")));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn config_example_parses_and_keeps_secrets_in_environment_variables() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let cfgfile = fixture("databrickscfg");
    let home = tempfile::tempdir().unwrap();
    let env = MapEnv::new()
        .with_home(home.path())
        .with("DATABRICKS_CONFIG_FILE", cfgfile.to_str().unwrap())
        .with("SALES_SP_SECRET", "s1")
        .with("FINANCE_CERT_PASSWORD", "s2")
        .with("AZURE_TENANT_ID", "t")
        .with("AZURE_CLIENT_ID", "c")
        .with("AZURE_FEDERATED_TOKEN_FILE", "/tmp/token")
        .with("FABRIC_TOKEN", "s3")
        .with("DATABRICKS_PROD_TOKEN", "s4")
        .with("STAGING_OAUTH_SECRET", "s5")
        .with("ANALYTICS_SP_SECRET", "s6");
    // The example's profile is `dev`: point it at a file that has one.
    let dbx = home.path().join("databrickscfg");
    std::fs::write(&dbx, "[dev]\nhost = https://adb-9.9.azuredatabricks.net\n").unwrap();
    let env = env.with("DATABRICKS_CONFIG_FILE", dbx.to_str().unwrap());
    let cfg = load(Some(&example), None, &env).unwrap();
    assert_eq!(cfg.fabric.len(), 7, "one Fabric workspace per Entra method");
    // The example's [keys] are valid for the monitor.
    assert_eq!(cfg.settings.keys.len(), 2);
    // Its templates read, their requests as JSON bodies.
    let names: Vec<&str> = cfg.settings.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["nightly-rollup", "small-cluster"]);
    assert_eq!(cfg.settings.templates[1].request["autoscale"]["max_workers"], 4);
    sparkdeck::cli::keys::keymap(&cfg.settings, cfg.path.as_deref()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.databricks.len(), 5);
    assert!(cfg.databricks.iter().any(|d| matches!(d.auth, DatabricksAuth::DatabricksCli)));
    let methods: Vec<&str> = cfg
        .fabric
        .iter()
        .map(|w| match entra_of(&w.auth) {
            EntraCredential::ClientSecret { .. } => "sp-secret",
            EntraCredential::ClientCertificate { .. } => "sp-cert",
            EntraCredential::AzureCli { .. } => "cli",
            EntraCredential::DeviceCode { .. } => "device",
            EntraCredential::ManagedIdentity { .. } => "mi",
            EntraCredential::WorkloadIdentity { .. } => "wi",
            EntraCredential::EnvironmentToken { .. } => "env",
        })
        .collect();
    assert_eq!(methods, ["sp-secret", "sp-cert", "cli", "device", "mi", "wi", "env"]);
    assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
    // No inline secret outside comments.
    let text = std::fs::read_to_string(&example).unwrap();
    for line in text.lines().map(|l| l.split('#').next().unwrap_or("").trim()) {
        for key in ["client_secret", "token", "password"] {
            assert!(!line.replace(' ', "").contains(&format!("{key}=")), "inline secret in example: {line}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid fixtures: file:line, the key, and the fix.

#[test]
fn every_invalid_fixture_names_file_line_key_and_fix() {
    let cases: &[(&str, usize, &str, &[&str])] = &[
        (
            "unknown_key.toml",
            9,
            "fabric.auth.client_secrte_env",
            &["unknown key `client_secrte_env`", "did you mean `client_secret_env`?"],
        ),
        ("unknown_top_table.toml", 3, "pol", &["unknown key `pol`", "did you mean `poll`?"]),
        (
            "missing_workspace_id.toml",
            1,
            "fabric.workspace_id",
            &["missing key `workspace_id`", "add `workspace_id = …`"],
        ),
        (
            "bad_guid.toml",
            3,
            "fabric.workspace_id",
            &["`not-a-guid` is not a GUID", "00000000-0000-0000-0000-000000000000"],
        ),
        ("bad_lakehouse.toml", 5, "fabric.lakehouses.id", &["is not a GUID"]),
        (
            "repl_unknown_key.toml",
            6,
            "fabric.repl.executer_memory",
            &["unknown key `executer_memory`", "executor_memory"],
        ),
        (
            "repl_bad_environment.toml",
            1,
            "fabric.repl.environment",
            &["`prod-env` is not a GUID", "environment's id"],
        ),
        (
            "unknown_method.toml",
            3,
            "fabric.auth.method",
            &[
                "unknown auth method `service-principle-secret`",
                "did you mean `service-principal-secret`?",
                "workload-identity",
            ],
        ),
        (
            "http_host.toml",
            3,
            "databricks.host",
            &["plain http is refused", "https://adb-1234567890123456.7.azuredatabricks.net"],
        ),
        (
            "http_endpoint.toml",
            3,
            "fabric.endpoint",
            &["plain http is refused", "127.0.0.1, ::1 or localhost"],
        ),
        (
            "duplicate_names.toml",
            5,
            "databricks.name",
            &["duplicate workspace name `prod`", "distinct `name`"],
        ),
        ("host_and_profile.toml", 3, "databricks.profile", &["both `host` and `profile`"]),
        ("bad_poll.toml", 2, "poll.active_seconds", &["out of range", "from 1 to 3600"]),
        ("secret_wrong_type.toml", 3, "databricks.auth", &["not shown: it is a secret"]),
        ("mistyped_scheme.toml", 3, "databricks.host", &["`http//::` has a mistyped scheme", "https://"]),
        (
            "template_kind.toml",
            3,
            "templates.nightly.kind",
            &["unknown value `job`", "use one of: session, batch, cluster, run"],
        ),
        ("template_date.toml", 3, "templates.nightly", &["TOML date", "[templates.nightly.request]"]),
        (
            "http_authority.toml",
            8,
            "fabric.auth.authority_host",
            &["sign-in authority `http://127.0.0.1:9443` must use https", "use https://127.0.0.1:9443"],
        ),
    ];
    let cfgfile = fixture("databrickscfg");
    let env = env(&[("PROD_TOKEN", "dapi-x"), ("DATABRICKS_CONFIG_FILE", cfgfile.to_str().unwrap())]);
    for (name, line, key, needles) in cases {
        let path = fixture(&format!("invalid/{name}"));
        let err = load(Some(&path), None, &env).expect_err(name);
        let text = err.to_string();
        let location = err.location().unwrap_or_else(|| panic!("{name}: no location in {text}"));
        assert_eq!(location.path, path, "{name}");
        assert_eq!(location.line, *line, "{name}: {text}");
        assert!(text.starts_with(&format!("{}:{line}:", path.display())), "{name}: {text}");
        assert!(text.contains(&format!("(key `{key}`)")), "{name}: {text}");
        assert!(text.contains("\n  fix: "), "{name}: {text}");
        for needle in *needles {
            assert!(text.contains(needle), "{name}: `{needle}` missing from:\n{text}");
        }
    }
}

/// A workspace's sign-in problem is that workspace's error, at its place in the file with its
/// fix; the configuration loads and the other workspaces work.
#[test]
fn sign_in_problems_belong_to_their_workspace() {
    use sparkdeck::auth::spec::{DatabricksAuth, FabricAuth};
    let cases: &[(&str, u32, &str, &[&str])] = &[
        ("env_not_set.toml", 4, "databricks.auth.token_env", &["`SPARKDECK_TEST_UNSET_TOKEN`", "is not set"]),
        ("missing_tenant.toml", 3, "fabric.auth.tenant_id", &["`device-code` needs `tenant_id`"]),
        (
            "secret_and_env.toml",
            3,
            "databricks.auth.client_secret",
            &["both `client_secret` and `client_secret_env`"],
        ),
        ("missing_profile.toml", 2, "databricks.profile", &["has no nope profile configured", "[nope]"]),
    ];
    let cfgfile = fixture("databrickscfg");
    let env = env(&[("PROD_TOKEN", "dapi-x"), ("DATABRICKS_CONFIG_FILE", cfgfile.to_str().unwrap())]);
    for (name, line, key, needles) in cases {
        let path = fixture(&format!("sign_in/{name}"));
        let loaded = load(Some(&path), None, &env).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (message, fix) = match (loaded.fabric.first(), loaded.databricks.first()) {
            (Some(f), _) => match &f.auth {
                FabricAuth::NotConfigured { message, fix } => (message.clone(), fix.clone()),
                other => panic!("{name}: {other:?}"),
            },
            (_, Some(d)) => match &d.auth {
                DatabricksAuth::NotConfigured { message, fix } => (message.clone(), fix.clone()),
                other => panic!("{name}: {other:?}"),
            },
            _ => panic!("{name}: the workspace is gone"),
        };
        assert!(message.starts_with(&format!("{}:{line}:", path.display())), "{name}: {message}");
        assert!(message.contains(&format!("(key `{key}`)")), "{name}: {message}");
        assert!(!fix.is_empty(), "{name}");
        for needle in *needles {
            let both = format!("{message} {fix}");
            assert!(both.contains(needle), "{name}: `{needle}` missing from {both}");
        }
    }
}

#[test]
fn a_missing_explicit_file_is_an_error_but_a_missing_default_file_is_not() {
    let missing = Path::new("/nonexistent/sparkdeck.toml");
    let err = load(Some(missing), None, &env(&[])).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent/sparkdeck.toml"));
    let err = load(None, None, &env(&[("SPARKDECK_CONFIG", "/nonexistent/env.toml")])).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/env.toml"), "{err}");
    let cfg = load(None, Some(missing), &env(&[])).unwrap();
    assert_eq!(cfg.path, None);
    assert!(cfg.fabric.is_empty() && cfg.databricks.is_empty());
}

#[test]
fn sparkdeck_config_variable_selects_the_file() {
    let path = fixture("valid/minimal_fabric.toml");
    let cfg = load(
        None,
        Some(Path::new("/nonexistent/default.toml")),
        &env(&[("SPARKDECK_CONFIG", path.to_str().unwrap())]),
    )
    .unwrap();
    assert_eq!(cfg.path, Some(path));
    assert_eq!(cfg.fabric.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// No config file: ~/.databrickscfg and the environment, like the Databricks CLI.

/// Load with no sparkdeck config file, the fixture `.databrickscfg` and `vars`.
fn load_cli_like(vars: &[(&str, &str)]) -> Result<LoadedConfig, ConfigError> {
    let cfgfile = fixture("databrickscfg");
    let mut all = vec![("DATABRICKS_CONFIG_FILE", cfgfile.to_str().unwrap())];
    all.extend_from_slice(vars);
    load(None, Some(Path::new("/nonexistent/config.toml")), &env(&all))
}

#[test]
fn default_profile_is_used_when_nothing_is_requested() {
    let cfg = load_cli_like(&[]).unwrap();
    assert_eq!(cfg.databricks.len(), 1);
    let ws = &cfg.databricks[0];
    assert_eq!(ws.name, "DEFAULT");
    assert_eq!(ws.host, "https://adb-1111111111111111.1.azuredatabricks.net");
    assert!(
        matches!(&ws.auth, DatabricksAuth::Pat { token } if token.expose_secret().starts_with("dapi-default"))
    );
}

#[test]
fn settings_default_profile_beats_default_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cfg");
    std::fs::write(&path, "[DEFAULT]\nhost = https://a.azuredatabricks.net\ntoken = dapi-a\n\n[emu]\nhost = http://127.0.0.1:8080\ntoken = dapi-emu\n\n[__settings__]\ndefault_profile = emu\n").unwrap();
    let cfg = load(None, None, &env(&[("DATABRICKS_CONFIG_FILE", path.to_str().unwrap())])).unwrap();
    let ws = &cfg.databricks[0];
    assert_eq!((ws.name.as_str(), ws.host.as_str()), ("emu", "http://127.0.0.1:8080"));
    // A default_profile naming a missing section is an error, like an explicit profile.
    std::fs::write(&path, "[__settings__]\ndefault_profile = gone\n").unwrap();
    let err = load(None, None, &env(&[("DATABRICKS_CONFIG_FILE", path.to_str().unwrap())])).unwrap_err();
    assert!(err.to_string().contains("has no gone profile configured"), "{err}");
}

#[test]
fn default_section_is_not_merged_into_other_profiles() {
    // [m2m] has client credentials; DEFAULT's token would make it ambiguous if merged.
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "m2m")]).unwrap();
    let ws = &cfg.databricks[0];
    assert!(
        matches!(&ws.auth, DatabricksAuth::OAuthM2M { client_id, .. } if client_id == "m2m-app"),
        "{:?}",
        ws.auth
    );
    // [cli] has only a host: Azure host, nothing else → Azure CLI, not DEFAULT's token.
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "cli")]).unwrap();
    assert!(matches!(
        &cfg.databricks[0].auth,
        DatabricksAuth::Entra { credential: EntraCredential::AzureCli { .. }, .. }
    ));
}

#[test]
fn environment_wins_over_the_profile() {
    let cfg = load_cli_like(&[
        ("DATABRICKS_CONFIG_PROFILE", "m2m"),
        ("DATABRICKS_HOST", "https://adb-9999999999999999.9.azuredatabricks.net"),
        ("DATABRICKS_CLIENT_SECRET", "dose-from-env"),
    ])
    .unwrap();
    let ws = &cfg.databricks[0];
    assert_eq!(ws.host, "https://adb-9999999999999999.9.azuredatabricks.net");
    match &ws.auth {
        DatabricksAuth::OAuthM2M { client_id, client_secret } => {
            assert_eq!(client_id, "m2m-app", "profile fills what the environment leaves out");
            assert_eq!(client_secret.expose_secret(), "dose-from-env");
        }
        other => panic!("{other:?}"),
    }
    let mut vars = ws.origin.env_vars.clone();
    vars.sort();
    assert_eq!(vars, ["DATABRICKS_CLIENT_SECRET", "DATABRICKS_HOST"]);
    assert_eq!(ws.origin.databrickscfg.as_ref().map(|(_, p)| p.as_str()), Some("m2m"));
}

#[test]
fn the_file_is_skipped_when_the_environment_sets_host_or_credentials() {
    // DEFAULT holds a token; with DATABRICKS_HOST + client credentials in the environment the
    // file is not read, so there is no ambiguity.
    let cfg = load_cli_like(&[
        ("DATABRICKS_HOST", "https://adb-8.8.azuredatabricks.net"),
        ("DATABRICKS_CLIENT_ID", "env-app"),
        ("DATABRICKS_CLIENT_SECRET", "env-secret"),
    ])
    .unwrap();
    let ws = &cfg.databricks[0];
    assert_eq!(ws.origin.databrickscfg, None);
    assert_eq!(ws.name, "adb-8.8.azuredatabricks.net");
    assert!(matches!(&ws.auth, DatabricksAuth::OAuthM2M { client_id, .. } if client_id == "env-app"));
}

#[test]
fn a_missing_named_profile_is_an_error() {
    let err = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "nope")]).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("has no nope profile configured"), "{text}");
    assert!(text.contains("fix:"), "{text}");
    // A missing file with a requested profile is the same error; without a request, nothing.
    let missing = [("DATABRICKS_CONFIG_FILE", "/nonexistent/.databrickscfg")];
    let err = load(None, None, &env(&[missing[0], ("DATABRICKS_CONFIG_PROFILE", "p")])).unwrap_err();
    assert!(err.to_string().contains("has no p profile configured"), "{err}");
    let cfg = load(None, None, &env(&missing)).unwrap();
    assert!(cfg.databricks.is_empty());
}

#[test]
fn more_than_one_method_is_ambiguous_unless_auth_type_chooses() {
    let err = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "both")]).unwrap_err();
    assert!(
        err.to_string().contains("validate: more than one authorization method configured: oauth and pat"),
        "{err}"
    );
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "both-forced")]).unwrap();
    assert!(matches!(&cfg.databricks[0].auth, DatabricksAuth::OAuthM2M { .. }));
    let cfg =
        load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "both"), ("DATABRICKS_AUTH_TYPE", "pat")]).unwrap();
    assert!(matches!(&cfg.databricks[0].auth, DatabricksAuth::Pat { .. }));
    let err = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "unsupported")]).unwrap_err();
    assert!(err.to_string().contains("auth_type `external-browser` is not supported"), "{err}");
    assert!(
        err.to_string().contains("pat, oauth-m2m, azure-client-secret, azure-cli, azure-msi, databricks-cli"),
        "{err}"
    );
    // Profiles written by `databricks auth login` use the CLI's own sign-in.
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "cli-login")]).unwrap();
    assert!(matches!(&cfg.databricks[0].auth, DatabricksAuth::DatabricksCli));
}

#[test]
fn azure_providers_follow_the_sdk_order() {
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "msi")]).unwrap();
    assert!(matches!(
        &cfg.databricks[0].auth,
        DatabricksAuth::Entra { credential: EntraCredential::ManagedIdentity { client_id: None }, .. }
    ));
    // Azure client secret from ARM_* variables (the file is skipped: auth is set).
    let cfg = load_cli_like(&[
        ("DATABRICKS_HOST", "https://adb-1.1.azuredatabricks.net"),
        ("ARM_TENANT_ID", "arm-tenant"),
        ("ARM_CLIENT_ID", "arm-client"),
        ("ARM_CLIENT_SECRET", "arm-secret"),
    ])
    .unwrap();
    match &cfg.databricks[0].auth {
        DatabricksAuth::Entra {
            credential: EntraCredential::ClientSecret { tenant_id, client_id, .. },
            sp_management_resource_id,
            management_token,
            ..
        } => {
            assert_eq!((tenant_id.as_str(), client_id.as_str()), ("arm-tenant", "arm-client"));
            assert_eq!(sp_management_resource_id, &None);
            assert!(management_token, "the SDKs always send the management token for azure-client-secret");
        }
        other => panic!("{other:?}"),
    }
    // A government-cloud host picks its Entra authority.
    let cfg = load_cli_like(&[("DATABRICKS_HOST", "https://adb-1.1.databricks.azure.us")]).unwrap();
    match &cfg.databricks[0].auth {
        DatabricksAuth::Entra { credential: EntraCredential::AzureCli { .. }, endpoints, .. } => {
            assert_eq!(endpoints.authority_host.as_deref(), Some("https://login.microsoftonline.us"));
        }
        other => panic!("{other:?}"),
    }
    // Azure credentials against a non-Azure host are refused with a fix.
    let err = load_cli_like(&[("DATABRICKS_HOST", "http://127.0.0.1:8080"), ("ARM_CLIENT_SECRET", "x")])
        .unwrap_err();
    assert!(err.to_string().contains("not an Azure Databricks workspace"), "{err}");
}

#[test]
fn plain_http_hosts_are_refused_except_loopback() {
    let err = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "plain-http")]).unwrap_err();
    assert!(err.to_string().contains("plain http is refused for `http://dbc.example.com`"), "{err}");
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "emu")]).unwrap();
    assert_eq!(cfg.databricks[0].host, "http://127.0.0.1:8080");
    for host in ["http://[::1]:8080", "http://localhost:8080", "http://127.0.0.1:9"] {
        let cfg = load_cli_like(&[("DATABRICKS_HOST", host), ("DATABRICKS_TOKEN", "dapi-t")]).unwrap();
        assert_eq!(cfg.databricks[0].host, host);
    }
    let err =
        load_cli_like(&[("DATABRICKS_HOST", "http://10.0.0.1"), ("DATABRICKS_TOKEN", "dapi-t")]).unwrap_err();
    assert!(err.to_string().contains("plain http is refused"), "{err}");
}

#[test]
fn arm_variables_alone_are_not_a_databricks_workspace() {
    // Terraform users export ARM_*: that alone must not fail startup.
    let cfg =
        load(None, None, &env(&[("ARM_CLIENT_ID", "a"), ("ARM_CLIENT_SECRET", "b"), ("ARM_TENANT_ID", "c")]))
            .unwrap();
    assert!(cfg.databricks.is_empty());
    // A Databricks credential without a host is an error naming the fix.
    let err = load(None, None, &env(&[("DATABRICKS_TOKEN", "dapi-x")])).unwrap_err();
    assert!(err.to_string().contains("DATABRICKS_HOST"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Permissions and secrets

#[cfg(unix)]
#[test]
fn a_readable_file_with_a_plain_secret_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[[databricks]]\nname = \"p\"\nhost = \"https://adb-1.1.azuredatabricks.net\"\nauth = { method = \"pat\", token = \"dapi-inline-secret-000000000000\" }\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let cfg = load(Some(&path), None, &env(&[])).unwrap();
    assert_eq!(cfg.warnings.len(), 1, "{:?}", cfg.warnings);
    let warning = &cfg.warnings[0];
    assert!(warning.contains(&path.display().to_string()), "{warning}");
    assert!(warning.contains(&format!("chmod 600 {}", path.display())), "{warning}");
    assert!(warning.contains("databricks.auth.token"), "{warning}");
    assert!(!warning.contains("dapi-inline-secret"), "{warning}");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let cfg = load(Some(&path), None, &env(&[])).unwrap();
    assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);

    // Secrets only in environment variables: no warning whatever the mode.
    std::fs::write(
        &path,
        "[[databricks]]\nhost = \"https://adb-1.1.azuredatabricks.net\"\nauth = { method = \"pat\", token_env = \"T\" }\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let cfg = load(Some(&path), None, &env(&[("T", "dapi-env")])).unwrap();
    assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
}

#[cfg(unix)]
#[test]
fn a_readable_databrickscfg_with_a_token_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".databrickscfg");
    std::fs::write(&path, "[DEFAULT]\nhost = https://adb-1.1.azuredatabricks.net\ntoken = dapi-file-token\n")
        .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let env = MapEnv::new().with_home(dir.path());
    let cfg = load(None, None, &env).unwrap();
    assert_eq!(cfg.databricks.len(), 1);
    assert!(cfg.warnings.iter().any(|w| w.contains("chmod 600")), "{:?}", cfg.warnings);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(load(None, None, &env).unwrap().warnings.is_empty());
}

#[test]
fn secrets_never_appear_in_debug_output_or_errors() {
    let secrets = [
        "sales-secret-value",
        "cert-password-value",
        "dapi-prod-token-value-000000000000",
        "dose-m2m-secret-value",
    ];
    let env = env(&[
        ("SALES_SECRET", secrets[0]),
        ("CERT_PASSWORD", secrets[1]),
        ("PROD_TOKEN", secrets[2]),
        ("M2M_SECRET", secrets[3]),
    ]);
    let cfg = load_fixture("valid/full.toml", &env).unwrap();
    let debug = format!("{cfg:?} {env:?}");
    for secret in secrets {
        assert!(!debug.contains(secret), "{secret} leaked into Debug output");
    }
    // From ~/.databrickscfg too.
    let cfg = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "azure-sp")]).unwrap();
    assert!(!format!("{cfg:?}").contains("azure-secret-value-9"));
    // Errors: an inline secret next to a mistake, a secret of the wrong type.
    let err = load_fixture("invalid/secret_and_env.toml", &env).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("dose-inline-secret"), "{err}");
    let err = load_fixture("invalid/secret_wrong_type.toml", &env).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("98765432123456789"), "{err}");
    let err = load_cli_like(&[("DATABRICKS_CONFIG_PROFILE", "both")]).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("both-secret-value"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Files that are not what they seem

/// `f` on a thread, failing the test instead of hanging it when it blocks.
fn within_5s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap_or_else(|_| panic!("blocked for 5 s"))
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_directory_is_refused_as_a_config_file_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.toml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let path = fifo.clone();
    let err = within_5s(move || load(Some(&path), None, &env(&[])).unwrap_err());
    let text = err.to_string();
    assert!(text.contains(&fifo.display().to_string()) && text.contains("not a regular file"), "{text}");
    assert!(text.contains("fix: point --config or SPARKDECK_CONFIG at a regular file"), "{text}");
    // The same for ~/.databrickscfg (named by DATABRICKS_CONFIG_FILE) and for a directory.
    let vars = [("DATABRICKS_CONFIG_FILE", fifo.to_str().unwrap().to_string())];
    let err = within_5s(move || {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        load(None, None, &env(&vars)).unwrap_err()
    });
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let err = load(Some(dir.path()), None, &env(&[])).unwrap_err();
    assert!(err.to_string().contains("it is a directory"), "{err}");
}

#[test]
fn a_config_file_that_is_not_utf8_names_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, b"read_only = false\n[ui]\ntheme = \"d\xe9faut\"\n").unwrap();
    let err = load(Some(&path), None, &env(&[])).unwrap_err().to_string();
    assert!(err.contains("not UTF-8 text: invalid byte at line 3, column 11"), "{err}");
    assert!(err.contains("fix: save the file as UTF-8 text"), "{err}");
}

#[test]
fn duplicate_databrickscfg_profiles_and_keys_are_errors_naming_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("databrickscfg");
    let load_with = |text: &str| {
        std::fs::write(&cfg, text).unwrap();
        let vars = [("DATABRICKS_CONFIG_FILE", cfg.to_str().unwrap()), ("DATABRICKS_CONFIG_PROFILE", "prod")];
        load(None, None, &env(&vars))
    };
    let err = load_with(
        "[prod]\nhost = https://adb-1.1.azuredatabricks.net\ntoken = dapi-a\n\n[dev]\nhost = https://adb-2.2.azuredatabricks.net\n[prod]\ntoken = dapi-b\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with(&format!("{}:7: profile [prod] is written twice, at lines 1 and 7", cfg.display())),
        "{err}"
    );
    assert!(err.contains("fix: merge the two [prod] sections"), "{err}");
    assert!(!err.contains("dapi-"), "no secret in the message: {err}");
    // A key twice in one profile, whatever its case, as configparser sees it.
    let err = load_with(
        "[prod]\nhost = https://adb-1.1.azuredatabricks.net\nTOKEN = dapi-a\n  continued\ntoken: dapi-b\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`token` is set twice in profile [prod], at lines 3 and 5"), "{err}");
    // [DEFAULT] may repeat (configparser merges it); comments and continuation lines are not keys.
    let ok = load_with(
        "[DEFAULT]\nhost = https://adb-9.9.azuredatabricks.net\n[prod]\nhost = https://adb-1.1.azuredatabricks.net\n; host = x\ntoken = dapi-a\n  host = continued\n[DEFAULT]\ntoken = dapi-d\n",
    );
    assert!(ok.is_ok(), "{:?}", ok.err().map(|e| e.to_string()));
}

#[test]
fn an_http_authority_from_the_environment_is_refused_at_load() {
    let err =
        load_fixture("valid/minimal_fabric.toml", &env(&[("AZURE_AUTHORITY_HOST", "http://127.0.0.1:9443")]));
    // azure-cli ignores the authority, but an http one is wrong for every method that uses it:
    // the workspace that would sign in there carries the error (its sign-in is not set up).
    let text = match err {
        Ok(loaded) => match loaded.fabric.first().map(|f| &f.auth) {
            Some(sparkdeck::auth::spec::FabricAuth::NotConfigured { message, .. }) => message.clone(),
            _ => String::new(),
        },
        Err(e) => e.to_string(),
    };
    assert!(text.contains("AZURE_AUTHORITY_HOST") && text.contains("must use https"), "{text}");
}

#[test]
fn an_empty_config_file_is_blamed_by_its_own_path() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sparkdeck"))
        .arg("--config")
        .arg(&empty)
        .args(["clusters", "list"])
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("SPARKDECK_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{} has no [[fabric]] or [[databricks]] table", empty.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("xdg"), "the default path is not blamed: {stderr}");
}

// ---------------------------------------------------------------------------------------------
// The monitor, in a real terminal

#[path = "common/tmux.rs"]
mod tmux;

/// The permission warning is printed before the monitor takes the screen, where nobody sees it:
/// the monitor says it again in its status line.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_monitor_shows_the_world_readable_secret_warning() {
    use std::os::unix::fs::PermissionsExt;
    let sim = sparkdeck::sim::Sim::start_default().await.unwrap();
    let ws = &sim.shared().databricks().demo_workspaces(sim.base_url())[0];
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[databricks]]\nname = \"{}\"\nhost = \"{}\"\nauth = {{ method = \"pat\", token = \"{}\" }}\n",
            ws.name, ws.host, ws.pat
        ),
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let h = dir.path().display();
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/xdg {} --config {}; echo exit=$?",
        env!("CARGO_BIN_EXE_sparkdeck"),
        config.display()
    );
    let Some(t) = tmux::Tmux::start("warning", &cmd) else { return };
    let screen = t.wait_for("is readable by other users (mode 644)");
    assert!(screen.contains(&format!("warning: {} is readable", config.display())), "{screen}");
    assert!(!screen.contains(&ws.pat), "{screen}");
    t.keys(&["q"]);
    t.wait_for("exit=0");
    sim.shutdown().await;
}

#[test]
fn a_broken_databrickscfg_names_its_line_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("databrickscfg");
    std::fs::write(&cfg, "[prod]\nhost = https://adb-1.1.azuredatabricks.net\ntoken").unwrap();
    let err =
        load(None, None, &env(&[("DATABRICKS_CONFIG_FILE", cfg.to_str().unwrap())])).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}:3:", cfg.display())), "{err}");
    assert!(err.contains("not a valid INI file: expecting `=` or `:` but found EOF"), "{err}");
}
