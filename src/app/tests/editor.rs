//! The statement editor: REPLs, runs, places, history and outputs.

use super::*;
// The app's editor module, not this one.
use crate::app::editor;
use crate::domain::statement::{Language, Output, Phase, Repl};
use crate::drafts::{Draft, Tabs};

fn repl(id: &str) -> Repl {
    Repl::Livy {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        hc_id: format!("hc-{id}"),
        session_id: format!("s-{id}"),
        repl_id: format!("r-{id}"),
    }
}

/// Where `editing` runs: a REPL of sparkdeck's own in sales_lh, as the tabs file keeps it.
fn sales_lh() -> crate::drafts::Target {
    crate::drafts::Target::Lakehouse { workspace: "fabric-prod".into(), lakehouse: Some("sales_lh".into()) }
}

fn alt(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::ALT))
}

/// The editor open on fabric-prod (from a high-concurrency session's row: a REPL of its own in
/// the same lakehouse), with `text` typed.
fn editing(text: &str) -> App {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s1", "HC_sales_lh_1", "idle")], T0);
    app.update(key('e'));
    type_text(&mut app, text);
    app
}

#[test]
fn the_editor_acquires_one_repl_on_the_first_run_and_sends_what_queued() {
    let mut app = editing("");
    assert!(app.is_editing());
    assert_eq!(app.focus(), Scope::Editor);
    // 'q' is text here, not quit; every change is saved.
    let effects = type_text(&mut app, "1 + 1q");
    assert_eq!(
        effects.last(),
        Some(&Effect::SaveDraft(Tabs {
            active: 0,
            tabs: vec![Draft { language: Language::PySpark, text: "1 + 1q".into() }],
            targets: vec![Some(sales_lh())],
            ..Tabs::default()
        }))
    );
    app.update(code(KeyCode::Backspace));
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(&effects[0], Effect::AppendHistory(h) if h.code == "1 + 1" && h.workspace == "fabric-prod")
    );
    assert_eq!(
        effects[1],
        Effect::AcquireRepl {
            attempt: 1,
            workspace: "fabric-prod".into(),
            place: Some("sales_lh".into()),
            tag: None,
            settings: None,
            language: Language::PySpark
        }
    );
    assert!(app.needs_clock(), "the wait is on screen");
    // The same statement again: no second REPL, no duplicate history entry.
    assert_eq!(app.update(code(KeyCode::F(5))), Vec::new());
    assert_eq!(app.console().history.len(), 1);
    let effects = app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    let seqs: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunStatement { seq, repl: r, language: Language::PySpark, code }
                if *r == repl("a") && code == "1 + 1" =>
            {
                Some(*seq)
            }
            _ => None,
        })
        .collect();
    assert_eq!(seqs, [1, 2]);
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Text("2".into()))),
    });
    app.update(Msg::Statement { seq: 2, update: StatementUpdate::Accepted("1".into()) });
    app.update(Msg::Statement { seq: 2, update: StatementUpdate::Phase(Phase::Running, None) });
    assert_eq!(app.editor().runs[0].output, Some(Output::Text("2".into())));
    assert!(app.editor().runs[0].is_finished() && !app.editor().runs[1].is_finished());
    // A third run goes straight to the REPL it holds.
    let effects = app.update(code(KeyCode::F(5)));
    assert!(matches!(&effects[..], [Effect::RunStatement { seq: 3, .. }]), "{effects:?}");
    // Idle: Fabric ends the session 20 minutes after its last activity, counted on screen.
    app.update(Msg::Statement { seq: 2, update: StatementUpdate::Finished(Phase::Done, None) });
    app.update(Msg::Statement { seq: 3, update: StatementUpdate::Finished(Phase::Done, None) });
    assert_eq!(app.editor().idle_timeout_at(), Some(ts("2026-11-22T10:20:00Z")));
    assert!(app.needs_clock());
    // Leaving keeps everything; quitting hands the REPL to the caller to release.
    app.update(code(KeyCode::Esc));
    assert!(!app.is_editing() && app.editor().code() == "1 + 1");
    assert_eq!(app.editor().held_repl(), Some(&repl("a")));
}

#[test]
fn a_statement_refused_by_an_ended_repl_is_sent_again_in_a_new_one() {
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("old")) });
    let effects = app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "404 session not found".into(), repl_gone: true },
    });
    assert_eq!(
        effects,
        [Effect::AcquireRepl {
            attempt: 2,
            workspace: "fabric-prod".into(),
            place: Some("sales_lh".into()),
            tag: None,
            settings: None,
            language: Language::PySpark
        }]
    );
    assert_eq!(app.editor().runs[0].state, RunState::Queued);
    // A late answer to the first acquisition is not taken: it is given back.
    let effects = app.update(Msg::Repl { attempt: 1, result: Ok(repl("stale")) });
    assert_eq!(effects, [Effect::ReleaseRepl { repl: repl("stale") }]);
    let effects = app.update(Msg::Repl { attempt: 2, result: Ok(repl("new")) });
    assert!(matches!(&effects[..], [Effect::RunStatement { seq: 1, repl: r, .. }] if *r == repl("new")));
    assert!(app.message().is_some_and(|m| m.text.contains("starts fresh")), "{:?}", app.message());
    // A statement that was accepted and then lost is reported, not re-run.
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("4".into()) });
    let effects = app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "GET … → 404".into(), repl_gone: false },
    });
    assert!(effects.is_empty());
    assert!(matches!(&app.editor().runs[0].state, RunState::Failed(e) if e.contains("404")));
    // An acquisition that fails fails what waited for it, and says why.
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Err("capacity exceeded (430)".into()) });
    assert!(matches!(&app.editor().runs[0].state, RunState::Failed(e) if e.contains("capacity exceeded")));
    assert!(matches!(&app.editor().repl, ReplState::Failed(_)));
    assert!(!app.editor().is_busy(), "nothing left to wait for");
}

#[test]
fn language_history_and_cancel_keys() {
    let mut app = editing("SELECT 1");
    let effects = app.update(code(KeyCode::F(2)));
    assert_eq!(
        effects,
        [Effect::SaveDraft(Tabs {
            active: 0,
            tabs: vec![Draft { language: Language::Scala, text: "SELECT 1".into() }],
            targets: vec![Some(sales_lh())],
            ..Tabs::default()
        })]
    );
    app.update(code(KeyCode::F(2)));
    assert_eq!(app.editor().language, Language::Sql);
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    // F8 before the service took it: nothing to cancel yet.
    assert_eq!(app.update(code(KeyCode::F(8))), Vec::new());
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("7".into()) });
    assert_eq!(
        app.update(code(KeyCode::F(8))),
        [Effect::CancelStatement { seq: 1, repl: repl("a"), statement_id: "7".into() }]
    );
    // History: alt-↑ recalls (with its language), alt-↓ past the newest restores the draft.
    type_text(&mut app, " + 1");
    app.update(code(KeyCode::F(2)));
    assert_eq!(app.editor().language, Language::R);
    app.update(alt(KeyCode::Up));
    assert_eq!((app.editor().code(), app.editor().language), ("SELECT 1".into(), Language::Sql));
    assert_eq!(app.editor().history_position(&app.console().history), Some((1, 1)));
    app.update(alt(KeyCode::Down));
    assert_eq!(app.editor().code(), "SELECT 1 + 1");
    // ctrl-c from the editor asks first while a statement runs, and quits on y.
    assert_eq!(app.update(ctrl('c')), []);
    assert!(app.quitting().is_some_and(|q| q.iter().any(|l| l.contains("left to finish"))));
    assert_eq!(app.update(key('y')), [Effect::Quit]);
}

#[test]
fn the_editor_opens_on_a_fabric_workspace_or_a_selected_cluster() {
    let mut dbx = App::new(vec![WorkspaceRef::new("adb", Service::Databricks)], ts(T0), TimeZone::UTC);
    dbx.update(key('e'));
    assert!(!dbx.is_editing());
    assert!(dbx.message().is_some_and(|m| m.text.contains("select a cluster")), "{:?}", dbx.message());
    // From a cluster row: an execution context on that cluster.
    let mut app = app();
    let cluster = cluster_row("0101-abc", "etl", "RUNNING", "");
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster], T0);
    app.update(key('3'));
    app.update(key('e'));
    assert!(app.is_editing() && app.editor().on_cluster());
    assert_eq!(app.editor().place_label().as_deref(), Some("cluster etl"));
    type_text(&mut app, "spark.range(3).count()");
    let effects = app.update(code(KeyCode::F(5)));
    assert_eq!(
        effects.last(),
        Some(&Effect::AcquireRepl {
            attempt: 1,
            workspace: "adb-prod".into(),
            place: Some("0101-abc".into()),
            tag: None,
            settings: None,
            language: Language::PySpark
        })
    );
    // A Databricks workspace by name, without a cluster: the picker asks which, showing its clusters.
    let mut app = self::app();
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-abc", "etl", "RUNNING", "4")], T0);
    app.update(key(':'));
    type_text(&mut app, "editor adb-prod");
    app.update(code(KeyCode::Enter));
    assert!(app.is_editing() && app.console().picker.is_some());
    assert!(app.message().is_some_and(|m| m.text.contains("choose one of its clusters")));
    let items = app.picker_items();
    assert_eq!(items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(), ["cluster etl"]);
    assert!(items[0].detail.contains("RUNNING · 4 workers"), "{items:?}");
    app.update(code(KeyCode::Enter));
    assert_eq!(app.editor().place_label().as_deref(), Some("cluster etl"));
    app.update(code(KeyCode::Esc));
    app.update(key(':'));
    type_text(&mut app, "editor nope");
    app.update(code(KeyCode::Enter));
    assert!(app.message().is_some_and(|m| m.text.contains("no workspace \"nope\"")));
    app.update(key(':'));
    type_text(&mut app, "editor FABRIC-PROD");
    app.update(code(KeyCode::Enter));
    assert!(app.is_editing());
    assert_eq!(app.editor().workspace(), Some("fabric-prod"));
    assert_eq!(app.update(code(KeyCode::F(5))), Vec::new(), "nothing to run in an empty editor");
    assert!(app.message().is_some_and(|m| m.text.contains("Nothing to run")));
}

#[test]
fn a_selection_runs_alone_and_read_only_runs_nothing() {
    let mut app = editing("a = 1\nb = 2\nc = 3");
    // Select "b = 2" and the "c" of the last line: shift-↑ from the end of "c = 3", then to its head.
    let shift = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::SHIFT));
    app.update(code(KeyCode::Up));
    app.update(code(KeyCode::Home));
    app.update(shift(KeyCode::Down));
    app.update(shift(KeyCode::Right));
    assert_eq!(app.editor().code_to_run(), "b = 2\nc");
    let effects = app.update(code(KeyCode::F(5)));
    assert!(matches!(&effects[0], Effect::AppendHistory(h) if h.code == "b = 2\nc"), "{effects:?}");
    assert_eq!(app.editor().code(), "a = 1\nb = 2\nc = 3", "the text stays as it was");

    let mut app = editing("a = 1");
    app = app.with_read_only(true);
    assert!(app.update(code(KeyCode::F(5))).is_empty());
    assert!(app.message().is_some_and(|m| m.text.contains("read-only")));
    assert!(app.editor().runs.is_empty());
}

#[test]
fn a_live_session_chosen_in_the_pane_is_attached_to_and_never_released() {
    let mut app = app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-live", "etl", "idle")], T0);
    app.update(key('e'));
    assert_eq!(app.editor().place.as_ref().and_then(editor::Place::attached), Some("s-live"));
    assert_eq!(app.editor().place_label().as_deref(), Some("sales_lh · session etl"));
    let attached = Repl::LivySession {
        workspace: "fabric-prod".into(),
        lakehouse: "sales_lh".into(),
        session_id: "s-live".into(),
    };
    assert_eq!(app.editor().held_repl(), Some(&attached));
    type_text(&mut app, "1 + 1");
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(&effects[..], [Effect::AppendHistory(_), Effect::RunStatement { seq: 1, repl, .. }] if *repl == attached),
        "straight to the session: {effects:?}"
    );
    assert!(!attached.is_owned(), "quitting leaves the user's session running");
    // Moving to another place does not release it either.
    app.update(code(KeyCode::Esc));
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-hc", "HC_sales_lh_2", "idle")], T0);
    let effects = app.update(key('e'));
    assert_eq!(effects, [hidden()], "nothing but the pane going under the editor");
    assert_eq!(app.editor().repl, ReplState::None);
    // A finished session is not attached to: a REPL of sparkdeck's own in its lakehouse instead.
    let mut app = self::app();
    rows(&mut app, Kind::Session, "fabric-prod", vec![session("s-dead", "etl", "dead")], T0);
    app.update(key('e'));
    assert_eq!(
        (
            app.editor().place.as_ref().and_then(editor::Place::attached),
            app.editor().place.as_ref().and_then(editor::Place::lakehouse_or_cluster)
        ),
        (None, Some("sales_lh"))
    );
}

#[test]
fn outputs_are_bounded_and_say_how_many_were_dropped() {
    let mut app = editing("");
    for i in 0..(editor::MAX_RUNS + 2) {
        app.update(ctrl('l'));
        type_text(&mut app, &format!("x = {i}"));
        app.update(code(KeyCode::F(5)));
    }
    assert_eq!((app.editor().runs.len(), app.editor().dropped_runs), (editor::MAX_RUNS, 2));
    assert_eq!(app.editor().runs.front().map(|r| r.code.as_str()), Some("x = 2"));
    assert_eq!(app.console().history.len(), editor::MAX_RUNS + 2, "the history keeps every statement");
}

#[test]
fn alt_c_copies_the_newest_output_tables_as_tab_separated_text() {
    use crate::domain::statement::Table;
    let mut app = editing("SELECT 1");
    assert!(app.update(alt(KeyCode::Char('c'))).is_empty(), "nothing to copy yet");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    let table = Table {
        columns: vec!["a".into(), "b".into()],
        rows: vec![vec!["1".into(), "x y".into()]],
        dropped_rows: 0,
    };
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Table(table))),
    });
    assert_eq!(app.update(alt(KeyCode::Char('c'))), [Effect::Copy("a\tb\n1\tx y".into())]);
    assert!(app.message().is_some_and(|m| m.text.contains("Copied the output of [1] (2 lines)")));
}

#[test]
fn alt_c_refuses_an_output_larger_than_the_clipboard_carries_and_says_so() {
    use crate::domain::statement::Table;
    let mut app = editing("SELECT 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    let row = vec!["x".repeat(1000).as_str().into()];
    let table = Table { columns: vec!["a".into()], rows: vec![row; 600], dropped_rows: 0 };
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Table(table))),
    });
    assert!(app.update(alt(KeyCode::Char('c'))).is_empty(), "a cut copy is not sent");
    let said = app.message().map(|m| m.text.clone()).unwrap_or_default();
    assert!(said.contains("The output of [1] is 586.5 KB of text"), "{said}");
    assert!(said.contains("(512.0 KB)") && said.contains(":export FILE.csv"), "{said}");
}

/// Leave the editor, pick a Databricks cluster and press e there.
fn move_to_a_cluster(app: &mut App) -> Vec<Effect> {
    let cluster = cluster_row("0101-abc", "etl", "RUNNING", "");
    rows(app, Kind::Cluster, "adb-prod", vec![cluster], T0);
    app.update(code(KeyCode::Esc));
    app.update(key('3'));
    let effects = app.update(key('e'));
    assert_eq!(app.editor().place.as_ref().and_then(editor::Place::lakehouse_or_cluster), Some("0101-abc"));
    effects
}

#[test]
fn late_and_abandoned_answers_never_lose_a_repl_or_run_a_statement_twice() {
    let mut app = editing("a = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    app.update(code(KeyCode::F(5)));
    // Both runs went to REPL a; neither is re-sent when another REPL arrives.
    assert!(app.editor().runs.iter().all(|r| r.state == RunState::Sending && r.repl == Some(repl("a"))));
    // Run 2 is refused (REPL a ended): a new REPL, then run 2 alone goes there.
    let effects = app.update(Msg::Statement {
        seq: 2,
        update: StatementUpdate::Failed { error: "404".into(), repl_gone: true },
    });
    assert!(matches!(&effects[..], [Effect::AcquireRepl { attempt: 2, .. }]), "{effects:?}");
    let effects = app.update(Msg::Repl { attempt: 2, result: Ok(repl("b")) });
    assert!(
        matches!(&effects[..], [Effect::RunStatement { seq: 2, repl: r, .. }] if *r == repl("b")),
        "{effects:?}"
    );
    // Run 1's refusal arrives late: it goes to REPL b as well, with no new acquisition.
    let effects = app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "404".into(), repl_gone: true },
    });
    assert!(
        matches!(&effects[..], [Effect::RunStatement { seq: 1, repl: r, .. }] if *r == repl("b")),
        "{effects:?}"
    );
    assert_eq!(app.editor().held_repl(), Some(&repl("b")));

    // Moving while an acquisition is under way: the queued run fails, the answer is given back.
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::ReplCreated { attempt: 1, repl: repl("partial") });
    assert_eq!(app.console().quit_plan().0, [repl("partial")], "quitting now gives back what was made");
    let effects = move_to_a_cluster(&mut app);
    assert_eq!(effects, [Effect::ReleaseRepl { repl: repl("partial") }, hidden()]);
    assert!(matches!(&app.editor().runs[0].state, RunState::Failed(e) if e.contains("moved")));
    assert_eq!(
        app.update(Msg::Repl { attempt: 1, result: Ok(repl("late")) }),
        [Effect::ReleaseRepl { repl: repl("late") }]
    );
    assert_eq!(app.editor().repl, ReplState::None);

    // Moving while a statement runs leaves its REPL to finish it, and quitting says so.
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("busy")) });
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    assert_eq!(app.console().quit_plan(), (vec![], vec![repl("busy")]));
    assert_eq!(move_to_a_cluster(&mut app), [hidden()], "not given back while it runs");
    assert_eq!(app.console().left_running, [repl("busy")]);
}

#[test]
fn history_keeps_the_draft_and_edits_with_their_languages() {
    let mut app = editing("SELECT 1");
    app.update(code(KeyCode::F(2)));
    app.update(code(KeyCode::F(2)));
    app.update(code(KeyCode::F(5)));
    // A new draft in Scala.
    app.update(ctrl('l'));
    app.update(code(KeyCode::F(2)));
    type_text(&mut app, "val y = 2");
    let draft = (app.editor().code(), app.editor().language);
    assert_eq!(draft.1, Language::R);
    // Recall the SQL, run it, then come back down: the draft is there, in its language.
    app.update(alt(KeyCode::Up));
    assert_eq!((app.editor().code(), app.editor().language), ("SELECT 1".into(), Language::Sql));
    app.update(code(KeyCode::F(5)));
    assert_eq!(
        app.editor().history_position(&app.console().history),
        Some((1, 1)),
        "still browsing, at what just ran"
    );
    app.update(alt(KeyCode::Down));
    assert_eq!((app.editor().code(), app.editor().language), draft);
    // Edits to a recalled entry survive moving away and back.
    app.update(alt(KeyCode::Up));
    type_text(&mut app, " + 1");
    app.update(alt(KeyCode::Down));
    app.update(alt(KeyCode::Up));
    assert_eq!(app.editor().code(), "SELECT 1 + 1");
}

#[test]
fn a_reloaded_draft_keeps_its_text_exactly_final_newline_included() {
    for text in ["", "x = 1\n", "a\n\nb\n\n", "no newline", "\n"] {
        let editor = Editor::new(Draft { language: Language::Sql, text: text.into() });
        assert_eq!(editor.draft().text, text, "{text:?}");
    }
    let windows = Editor::new(Draft { language: Language::Sql, text: "a\r\nb\r\n".into() });
    assert_eq!(windows.draft().text, "a\nb\n");
}

#[test]
fn opening_the_editor_on_a_stopped_cluster_says_to_start_it() {
    let mut app = app().with_pane(Pane::Clusters);
    let stopped = cluster_row("0101-abc", "etl", "TERMINATED", "");
    rows(&mut app, Kind::Cluster, "adb-prod", vec![stopped], T0);
    app.update(key('e'));
    assert!(app.is_editing());
    assert!(
        app.message().is_some_and(|m| m.text.contains("This cluster is TERMINATED: start it")),
        "{:?}",
        app.message()
    );
}

#[test]
fn f5_runs_the_cell_under_the_cursor_with_its_magic_and_ctrl_f5_runs_all_in_order() {
    let mut app = editing("x = 1\n# %% query\n%%sql\nSELECT 1\n# %%\nprint(x)");
    // The cursor is on the last line: its cell.
    let effects = app.update(code(KeyCode::F(5)));
    assert!(matches!(&effects[0], Effect::AppendHistory(h) if h.code == "print(x)"), "{effects:?}");
    // Up two lines, into the SQL cell: its magic picks the language and is not sent.
    app.update(code(KeyCode::Up));
    app.update(code(KeyCode::Up));
    app.update(code(KeyCode::F(5)));
    let run = &app.editor().runs[1];
    assert_eq!((run.language, run.code.as_str()), (Language::Sql, "SELECT 1"));
    assert_eq!(app.editor().language, Language::PySpark, "the tab's language is unchanged");
    // Run all: three runs, only the first sent; each next one after the one before ends well.
    let mut app = editing("a = 1\n# %%\nb = 2\n# %% [markdown]\nnotes\n# %%\nc = 3");
    let ctrl_f5 = Msg::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::CONTROL));
    app.update(ctrl_f5);
    let codes: Vec<&str> = app.editor().runs.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["a = 1", "b = 2", "c = 3"], "the markdown cell is skipped");
    let effects = app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    assert!(matches!(&effects[..], [Effect::RunStatement { seq: 1, .. }]), "{effects:?}");
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    let effects = app.update(Msg::Statement { seq: 1, update: StatementUpdate::Finished(Phase::Done, None) });
    assert!(
        matches!(&effects[..], [Effect::RunStatement { seq: 2, code, .. }] if code == "b = 2"),
        "{effects:?}"
    );
    // An error stops the rest.
    let error = Output::Error { name: "NameError".into(), value: "x".into(), traceback: vec![] };
    let effects =
        app.update(Msg::Statement { seq: 2, update: StatementUpdate::Finished(Phase::Done, Some(error)) });
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        matches!(&app.editor().runs[2].state, RunState::Failed(e) if e.contains("[2] before it did not succeed"))
    );
}

#[test]
fn notebook_keys_select_all_undo_redo_clear_and_comment() {
    let mut app = editing("a = 1\nb = 2");
    app.update(ctrl('a'));
    assert_eq!(app.editor().selection().as_deref(), Some("a = 1\nb = 2"));
    // ctrl-/ (ctrl-7 on legacy terminals) comments the selected lines, and back.
    app.update(ctrl('/'));
    assert_eq!(app.editor().code(), "# a = 1\n# b = 2");
    app.update(ctrl('7'));
    assert_eq!(app.editor().code(), "a = 1\nb = 2");
    // SQL comments with --; only the cursor's line without a selection.
    app.update(code(KeyCode::Home));
    app.update(code(KeyCode::F(2)));
    app.update(code(KeyCode::F(2)));
    app.update(ctrl('/'));
    assert_eq!(app.editor().code(), "a = 1\n-- b = 2");
    // ctrl-l clears, and undo brings it back; redo clears again.
    let effects = app.update(ctrl('l'));
    assert_eq!(app.editor().code(), "");
    assert!(matches!(&effects[..], [Effect::SaveDraft(t)] if t.tabs[0].text.is_empty()));
    app.update(ctrl('z'));
    assert_eq!(app.editor().code(), "a = 1\n-- b = 2");
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('Z'), KeyModifiers::CONTROL | KeyModifiers::SHIFT)));
    assert_eq!(app.editor().code(), "");
    app.update(ctrl('u'));
    app.update(ctrl('r'));
    assert_eq!(app.editor().code(), "", "ctrl-u / ctrl-r stay undo / redo");
}

#[test]
fn tabs_have_their_own_targets_repls_and_outputs_and_run_at_once() {
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("one")) });
    // A second tab, moved to a cluster with the picker.
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-abc", "etl", "RUNNING", "")], T0);
    let effects = app.update(ctrl('t'));
    assert!(matches!(&effects[..], [Effect::SaveDraft(t)] if t.tabs.len() == 2 && t.active == 1));
    assert_eq!(app.console().active(), 1);
    app.update(ctrl('g'));
    type_text(&mut app, "etl");
    assert_eq!(app.picker_items().len(), 1);
    app.update(code(KeyCode::Enter));
    assert!(app.editor().on_cluster() && app.editor().runs.is_empty());
    type_text(&mut app, "spark.range(3).count()");
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(effects.last(), Some(Effect::AcquireRepl { attempt: 2, place: Some(p), .. }) if p == "0101-abc"),
        "{effects:?}"
    );
    // Tab 1 runs meanwhile, in its own REPL.
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::ALT)));
    let effects = app.update(code(KeyCode::F(5)));
    assert!(
        matches!(&effects[..], [Effect::AppendHistory(_), Effect::RunStatement { seq: 3, repl: r, .. }] if *r == repl("one")),
        "{effects:?}"
    );
    // Answers find their tab, whichever is in front.
    let dbx = Repl::Databricks {
        workspace: "adb-prod".into(),
        cluster_id: "0101-abc".into(),
        context_id: "c1".into(),
    };
    let effects = app.update(Msg::Repl { attempt: 2, result: Ok(dbx.clone()) });
    assert!(
        matches!(&effects[..], [Effect::RunStatement { seq: 2, repl: r, .. }] if *r == dbx),
        "{effects:?}"
    );
    app.update(Msg::Statement {
        seq: 2,
        update: StatementUpdate::Finished(Phase::Done, Some(Output::Text("3".into()))),
    });
    assert_eq!(app.console().tabs()[1].runs[0].output, Some(Output::Text("3".into())));
    assert!(app.editor().runs.iter().all(|r| r.output.is_none()), "tab 1's outputs are its own");
    assert!(app.console().tabs()[1].runs[0].target.contains("adb-prod / cluster etl"));
    // Quitting gives back both REPLs.
    assert_eq!(app.console().quit_plan().0.len(), 1, "tab 1's REPL runs a statement: left, not released");
    // Closing tab 2 gives its context back (its text ran, so no question).
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::ALT)));
    let effects = app.update(ctrl('w'));
    assert!(matches!(&effects[0], Effect::ReleaseRepl { repl } if *repl == dbx), "{effects:?}");
    assert_eq!(app.console().tabs().len(), 1);
}

#[test]
fn closing_a_tab_with_text_that_never_ran_asks_first() {
    let mut app = editing("");
    app.update(ctrl('t'));
    type_text(&mut app, "draft only");
    assert!(app.update(ctrl('w')).is_empty());
    assert_eq!(app.console().tabs().len(), 2);
    assert!(app.message().is_some_and(|m| m.text.contains("ctrl-w again")));
    app.update(ctrl('w'));
    assert_eq!(app.console().tabs().len(), 1);
}

#[test]
fn a_submit_that_failed_says_why_and_f5_sends_it_again() {
    let mut app = editing("x = 1");
    app.update(code(KeyCode::F(5)));
    app.update(Msg::Repl { attempt: 1, result: Ok(repl("a")) });
    app.update(Msg::Statement {
        seq: 1,
        update: StatementUpdate::Failed { error: "HTTP 503 ServiceUnavailable".into(), repl_gone: false },
    });
    assert!(app.editor().runs[0].resendable);
    let effects = app.update(code(KeyCode::F(5)));
    assert!(matches!(&effects[..], [Effect::RunStatement { seq: 1, .. }]), "the same run again: {effects:?}");
    assert_eq!(app.editor().runs.len(), 1);
    // Progress as the service reports it.
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Accepted("0".into()) });
    app.update(Msg::Statement { seq: 1, update: StatementUpdate::Phase(Phase::Running, Some(40)) });
    assert_eq!(app.editor().runs[0].progress, Some(40));
}

#[test]
fn tabs_come_back_where_they_ran() {
    let mut app = editing("x = 1");
    rows(&mut app, Kind::Cluster, "adb-prod", vec![cluster_row("0101-abc", "etl", "RUNNING", "")], T0);
    app.update(ctrl('t'));
    app.update(ctrl('g'));
    type_text(&mut app, "etl");
    let effects = app.update(code(KeyCode::Enter));
    type_text(&mut app, "1");
    let saved = app.console().drafts();
    assert_eq!(saved.targets[0], Some(sales_lh()));
    assert!(
        matches!(&saved.targets[1], Some(crate::drafts::Target::Cluster { id, .. }) if id == "0101-abc"),
        "{effects:?}"
    );
    // A restart: the tabs run where they ran, the cluster tab in front.
    let console = editor::Console::new(saved, Vec::new());
    assert_eq!(console.active(), 1);
    assert_eq!(console.tab().place_label().as_deref(), Some("cluster etl"));
    assert_eq!(console.tabs()[0].place_label().as_deref(), Some("sales_lh"));
}
