//! Open and copy: what `o`, `y`, `Y` and `alt-y` ask for and what the status line says.

use super::*;

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn message(app: &App) -> String {
    app.message().map(|m| m.text.clone()).unwrap_or_default()
}

#[test]
fn y_copies_the_id_and_alt_y_the_api_object_and_the_status_line_says_so() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    assert_eq!(app.update(key('y')), vec![Effect::Copy("4".into())]);
    assert_eq!(message(&app), "Copied the id of run \"adhoc-report\" (4) in adb-prod: 4");
    let effects = app.update(alt('y'));
    let json = app.selected().map(|e| e.res.raw_pretty()).unwrap_or_default();
    assert!(json.contains("\"run_id\": 4"), "{json}");
    assert_eq!(effects, vec![Effect::Copy(json.clone())]);
    assert!(message(&app).starts_with("Copied the API object of run \"adhoc-report\""), "{}", message(&app));
    // The same in details.
    app.update(code(KeyCode::Enter));
    assert_eq!(app.update(key('y')), vec![Effect::Copy("4".into())]);
}

#[test]
fn json_too_big_for_the_clipboard_is_not_cut_but_refused_with_its_size() {
    let mut app = app().with_pane(Pane::Runs);
    let mut big = run(1, "big", "RUNNING", None, "2026-11-22T09:00:00Z");
    big.raw = std::sync::Arc::new(json!({"run_id": 1, "notes": "x".repeat(COPY_LIMIT)}).into());
    rows(&mut app, Kind::Run, "adb-prod", vec![big], T0);
    assert!(app.update(alt('y')).is_empty());
    assert!(
        message(&app).contains("512.0 KB") && message(&app).contains("more than the terminal clipboard"),
        "{}",
        message(&app)
    );
}

#[test]
fn o_and_shift_y_ask_for_the_page_and_the_answer_opens_or_copies_it() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    let target = app.selected().map(|e| Target::of(&e.res)).unwrap_or_else(|| panic!("no row"));
    let raw = app.selected().map(|e| e.res.raw.clone()).unwrap_or_else(|| panic!("no row"));
    assert_eq!(
        app.update(key('o')),
        vec![Effect::Link { target: target.clone(), raw: raw.clone(), then: LinkUse::Browser }]
    );
    let url = "https://adb-1.1.azuredatabricks.net/?o=1#job/104/run/4".to_string();
    app.update(Msg::Link {
        target: target.clone(),
        url: Ok(url.clone()),
        opened: Opened::Browser("xdg-open".into()),
    });
    assert_eq!(message(&app), format!("Opened {url} (xdg-open)"));
    app.update(Msg::Link {
        target: target.clone(),
        url: Ok(url.clone()),
        opened: Opened::NoBrowser("over SSH, with no DISPLAY".into()),
    });
    assert_eq!(message(&app), format!("{url} — no browser here (over SSH, with no DISPLAY); Y copies it"));
    assert_eq!(
        app.update(key('Y')),
        vec![Effect::Link { target: target.clone(), raw, then: LinkUse::Clipboard }]
    );
    let effects =
        app.update(Msg::Link { target: target.clone(), url: Ok(url.clone()), opened: Opened::NotAsked });
    assert_eq!(effects, vec![Effect::Copy(url.clone())]);
    assert_eq!(message(&app), format!("Copied the URL of run \"adhoc-report\" (4) in adb-prod: {url}"));
    app.update(Msg::Link {
        target,
        url: Err("Fabric documents no address".into()),
        opened: Opened::NotAsked,
    });
    assert_eq!(app.message().map(|m| m.level), Some(Level::Error));
}
