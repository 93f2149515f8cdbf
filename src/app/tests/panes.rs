//! The panes: switching, navigation, paging, filters, sort, the `:ws` scope and what a key clears.

use super::*;

#[test]
fn start_announces_what_is_visible() {
    let mut app = app();
    assert_eq!(
        app.start(),
        vec![Effect::SetVisible { workspaces: vec!["fabric-prod".into()], kinds: vec![Kind::Session] }]
    );
}

#[test]
fn pane_switching_by_tab_number_and_command_emits_set_visible() {
    let mut app = app();
    assert_eq!(
        app.update(code(KeyCode::Tab)),
        vec![Effect::SetVisible { workspaces: vec!["fabric-prod".into()], kinds: vec![Kind::Batch] }]
    );
    assert_eq!(app.pane(), Pane::Batches);
    assert_eq!(
        app.update(key('4')),
        vec![Effect::SetVisible { workspaces: vec!["adb-prod".into()], kinds: vec![Kind::Run] }]
    );
    app.update(Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)));
    assert_eq!(app.pane(), Pane::Clusters);
    app.update(key(':'));
    type_text(&mut app, "all");
    let effects = app.update(code(KeyCode::Enter));
    assert_eq!(app.pane(), Pane::All);
    assert_eq!(
        effects,
        vec![Effect::SetVisible {
            workspaces: vec!["fabric-prod".into(), "adb-prod".into()],
            kinds: Kind::ALL.iter().copied().filter(|k| *k != Kind::Job).collect()
        }]
    );
    // Same pane again: nothing to tell the pollers.
    assert!(app.update(key('5')).is_empty());
}

#[test]
fn rows_are_sorted_by_recency_with_live_items_first() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
}

#[test]
fn navigation_moves_and_clamps_the_selection() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    assert_eq!(selected_name(&app).as_deref(), Some("adhoc-report"));
    app.update(key('j'));
    app.update(code(KeyCode::Down));
    assert_eq!(selected_name(&app).as_deref(), Some("ml-train"));
    app.update(key('G'));
    assert_eq!(selected_name(&app).as_deref(), Some("nightly-etl"));
    app.update(key('j'));
    assert_eq!(selected_name(&app).as_deref(), Some("nightly-etl"));
    app.update(key('g'));
    assert_eq!(selected_name(&app).as_deref(), Some("adhoc-report"));
    app.update(key('k'));
    assert_eq!(app.pane_state().selected, 0);
    app.update(code(KeyCode::PageDown));
    assert_eq!(app.pane_state().selected, 3);
    app.update(ctrl('u'));
    assert_eq!(app.pane_state().selected, 0);
}

#[test]
fn paging_keeps_the_selection_on_screen() {
    let mut app = app().with_pane(Pane::Runs);
    app.update(Msg::Resize { width: 100, height: 12 });
    let many: Vec<Resource> = (0..50)
        .map(|i| run(i, &format!("job-{i:02}"), "TERMINATED", Some("SUCCESS"), "2026-11-22T01:00:00Z"))
        .collect();
    rows(&mut app, Kind::Run, "adb-prod", many, T0);
    let height = usize::from(app.areas().rows.height);
    assert!(height > 1);
    app.update(code(KeyCode::PageDown));
    let vs = app.pane_state();
    assert_eq!(vs.selected, height);
    assert!(vs.offset <= vs.selected && vs.selected < vs.offset + height);
    app.update(ctrl('d'));
    let vs = app.pane_state();
    assert_eq!(vs.selected, height + height / 2);
    assert!(vs.selected < vs.offset + height);
    app.update(key('G'));
    assert_eq!(app.pane_state().offset, 50 - height);
}

#[test]
fn substring_regex_and_inverted_filters() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "ETL");
    assert_eq!(names(&app), ["nightly-etl"], "substring, case-insensitive, applied while typing");
    app.update(code(KeyCode::Enter));
    assert!(app.prompt().is_none());
    assert_eq!(app.pane_state().filter.as_ref().map(|f| f.text.as_str()), Some("ETL"));

    app.update(key('/'));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "^(ml|hourly)-");
    assert_eq!(names(&app), ["hourly-agg", "ml-train"], "regex on metacharacters");
    app.update(code(KeyCode::Enter));

    app.update(key('/'));
    while app.prompt().is_some_and(|p| !p.text.is_empty()) {
        app.update(code(KeyCode::Backspace));
    }
    type_text(&mut app, "!failed");
    assert_eq!(
        names(&app),
        ["adhoc-report", "hourly-agg", "nightly-etl"],
        "inverted matches the unified state"
    );
    app.update(code(KeyCode::Enter));

    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app).len(), 4, "esc in the pane clears the filter");
}

#[test]
fn invalid_forced_regex_keeps_the_previous_filter_and_says_why() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('/'));
    type_text(&mut app, "~ml(");
    assert!(app.prompt().and_then(|p| p.error.as_deref()).is_some_and(|e| e.starts_with("invalid regex")));
    assert_eq!(names(&app), ["ml-train"], "the last valid prefix `~ml` still applies");
    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app).len(), 4, "esc on the filter line clears the filter");
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('s'));
    assert_eq!(app.pane_state().sort, SortKey::By(crate::domain::Column::Name));
    assert_eq!(names(&app), ["adhoc-report", "hourly-agg", "ml-train", "nightly-etl"]);
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)));
    assert_eq!(names(&app), ["nightly-etl", "ml-train", "hourly-agg", "adhoc-report"]);
    app.update(key('s'));
    assert_eq!(app.pane_state().sort, SortKey::By(crate::domain::Column::State));
    // Reversed unified order: failed, succeeded, busy, pending.
    assert_eq!(names(&app), ["ml-train", "nightly-etl", "hourly-agg", "adhoc-report"]);
    for _ in 0..4 {
        app.update(key('s'));
    }
    assert_eq!(app.pane_state().sort, SortKey::Recent, "cycles back");
}

#[test]
fn workspace_scope_narrows_every_view() {
    let mut app = app().with_pane(Pane::All);
    runs_fixture(&mut app);
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-1", "notebook-a", "idle")], T0);
    assert_eq!(names(&app).len(), 5);
    app.update(key(':'));
    type_text(&mut app, "ws fabric-prod");
    app.update(code(KeyCode::Enter));
    assert_eq!(names(&app), ["notebook-a"]);
}

#[test]
fn messages_clear_on_the_next_key() {
    let mut app = app().with_pane(Pane::Runs);
    app.update(key('c'));
    assert!(app.message().is_some());
    app.take_dirty();
    app.update(key('z'));
    assert!(app.message().is_none());
    assert!(app.take_dirty(), "clearing the message redraws");
    app.update(key('z'));
    assert!(!app.take_dirty(), "an unbound key changes nothing");
}

#[test]
fn the_selection_stays_on_the_first_row_until_the_user_moves_it() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    assert_eq!(app.pane_state().selected, 0);
    // A newer run arrives above: the first row stays selected.
    let mut more = vec![run(9, "newest", "RUNNING", None, "2026-11-22T09:59:30Z")];
    more.extend([
        run(1, "nightly-etl", "TERMINATED", Some("SUCCESS"), "2026-11-22T02:00:00Z"),
        run(2, "hourly-agg", "RUNNING", None, "2026-11-22T09:55:00Z"),
    ]);
    rows(&mut app, Kind::Run, "adb-prod", more.clone(), T0);
    assert_eq!(selected_name(&app).as_deref(), Some("newest"));
    // Once moved, it follows its item.
    app.update(key('j'));
    assert_eq!(selected_name(&app).as_deref(), Some("hourly-agg"));
    more.insert(0, run(10, "newer-still", "PENDING", None, "2026-11-22T09:59:50Z"));
    rows(&mut app, Kind::Run, "adb-prod", more, T0);
    assert_eq!(selected_name(&app).as_deref(), Some("hourly-agg"));
    assert_eq!(app.pane_state().selected, 2);
}

#[test]
fn the_footer_offers_only_what_applies_to_the_row_and_mode() {
    let offered = |app: &App| app.footer().iter().filter_map(|b| b.footer).collect::<Vec<_>>();
    let mut app = app().with_pane(Pane::Clusters);
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "shared", "RUNNING", "4")], T0);
    let running = offered(&app);
    assert!(running.contains(&"terminate") && running.contains(&"restart") && running.contains(&"resize"));
    assert!(!running.contains(&"start"), "no start on a running cluster: {running:?}");
    assert!(!running.contains(&"clear"), "esc does nothing yet");
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-a", "shared", "TERMINATED", "4")], T0);
    let stopped = offered(&app);
    assert!(stopped.contains(&"start") && !stopped.contains(&"terminate"), "{stopped:?}");
    app.update(key('/'));
    type_text(&mut app, "shared");
    app.update(code(KeyCode::Enter));
    assert!(offered(&app).contains(&"clear"));
    let mut app = app.with_read_only(true);
    let read_only = offered(&app);
    assert!(
        !read_only.iter().any(|k| ["start", "terminate", "restart", "resize"].contains(k)),
        "{read_only:?}"
    );
    app.update(code(KeyCode::Enter));
    assert!(offered(&app).contains(&"close"));
}

#[test]
fn typing_and_erasing_a_filter_shows_what_a_rebuild_shows_in_the_same_order() {
    let mut app = app().with_pane(Pane::Runs);
    runs_fixture(&mut app);
    app.update(key('s'));
    let everything = names(&app);
    app.update(key('/'));
    for c in "nig".chars() {
        app.update(key(c));
    }
    let narrowed = names(&app);
    assert!(!narrowed.is_empty() && narrowed.len() < everything.len(), "{narrowed:?}");
    assert!(narrowed.iter().all(|n| n.contains("nig")));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    assert_eq!(names(&app), everything, "erased: every row, still sorted by name");
    app.update(key('n'));
    app.update(code(KeyCode::Enter));
    app.update(key('G'));
    let chosen = selected_name(&app);
    app.update(code(KeyCode::Esc));
    assert_eq!(names(&app), everything);
    assert_eq!(selected_name(&app), chosen, "clearing the filter keeps the selection");
}
