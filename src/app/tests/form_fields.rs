//! The form's text read as the headless commands' flags would be, and back.

use serde_json::json;

use crate::app::form::fields::*;
use crate::domain::Kind;
use crate::domain::create::{Extra, NewItem, RunCompute, Workers};

use FieldKey as F;

fn form(kind: Kind, values: &[(FieldKey, &str)]) -> Vec<Field> {
    FieldKey::of(kind)
        .iter()
        .map(|k| {
            let mut f = Field::new(*k);
            if let Some((_, v)) = values.iter().find(|(key, _)| key == k) {
                f.set(v.to_string());
            }
            f
        })
        .collect()
}

#[test]
fn a_batch_form_reads_as_the_flags_would() {
    let fields = form(
        Kind::Batch,
        &[
            (F::Workspace, "fabric-prod"),
            (F::File, " ./etl.py "),
            (F::Args, r#"--title "Q4 sales" -n 3"#),
            (F::Conf, "spark.executor.memory=8g 'spark.x=a b'"),
            (F::NumExecutors, "2"),
        ],
    );
    let Ok(NewItem::Batch(b)) = describe(Kind::Batch, &fields, &Extra::new(), true) else {
        panic!("a batch")
    };
    assert_eq!(b.file, "./etl.py");
    assert_eq!(b.args, ["--title", "Q4 sales", "-n", "3"]);
    assert_eq!(b.conf.get("spark.x").map(String::as_str), Some("a b"));
    assert_eq!(b.sizes.num_executors, Some(2));
    // And back: the text splits into the same words.
    let (filled, _) = fill(&NewItem::Batch(b.clone()));
    let refilled: Vec<(FieldKey, &str)> = filled.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let again = describe(Kind::Batch, &form(Kind::Batch, &refilled), &Extra::new(), false);
    assert_eq!(again, Ok(NewItem::Batch(b)));
}

#[test]
fn every_problem_is_named_by_its_field() {
    let fields = form(
        Kind::Batch,
        &[(F::Args, "\"open"), (F::Conf, "spark.executor.memory"), (F::DriverCores, "four")],
    );
    let problems = describe(Kind::Batch, &fields, &Extra::new(), true).err().unwrap_or_default();
    let keys: Vec<FieldKey> = problems.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, [F::Workspace, F::File, F::Args, F::Conf, F::DriverCores]);
    assert!(problems[3].1.contains("expected KEY=VALUE"), "{problems:?}");
    assert!(problems[4].1.contains("\"four\" is not a whole number"), "{problems:?}");
    // Unfinished is fine for a template.
    assert!(describe(Kind::Batch, &form(Kind::Batch, &[]), &Extra::new(), false).is_ok());
}

#[test]
fn cluster_sizes_and_limits() {
    assert_eq!(workers("2-8"), Ok(Some(Workers::Autoscale { min: 2, max: 8 })));
    assert_eq!(workers("3:3"), Ok(Some(Workers::Autoscale { min: 3, max: 3 })));
    assert_eq!(workers(" Single "), Ok(Some(Workers::SingleNode)));
    assert!(workers("8-2").is_err_and(|e| e.contains("smallest size comes first")));
    assert!(workers("lots").is_err());
    let fields = form(
        Kind::Cluster,
        &[
            (F::Workspace, "adb"),
            (F::SparkVersion, "15.4.x-scala2.12"),
            (F::Workers, "2"),
            (F::AutoTermination, "5"),
        ],
    );
    let problems = describe(Kind::Cluster, &fields, &Extra::new(), true).err().unwrap_or_default();
    assert_eq!(problems.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [F::NodeType, F::AutoTermination]);
    // An instance pool stands in for the node type.
    let pool: Extra = json!({"instance_pool_id": "p"}).as_object().cloned().unwrap_or_default();
    let problems = describe(Kind::Cluster, &fields, &pool, true).err().unwrap_or_default();
    assert_eq!(problems.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [F::AutoTermination]);
}

#[test]
fn a_run_needs_one_task_and_where_it_runs() {
    let problems = |values: &[(FieldKey, &str)]| -> Vec<FieldKey> {
        let fields = form(Kind::Run, values);
        describe(Kind::Run, &fields, &Extra::new(), true)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    assert_eq!(problems(&[(F::Workspace, "adb")]), [F::Notebook, F::Cluster]);
    assert_eq!(
        problems(&[(F::Workspace, "adb"), (F::Notebook, "/n"), (F::PythonFile, "p.py")]),
        [F::PythonFile, F::Cluster]
    );
    assert_eq!(
        problems(&[(F::Workspace, "adb"), (F::Cluster, "c"), (F::Notebook, "/n"), (F::Args, "x")]),
        [F::Args]
    );
    assert_eq!(
        problems(&[(F::Workspace, "adb"), (F::Cluster, "c"), (F::Jar, "a.jar")]),
        [F::Notebook, F::Jar]
    );
    let ok =
        form(Kind::Run, &[(F::Workspace, "adb"), (F::Cluster, "c"), (F::Notebook, "/n"), (F::Params, "d=1")]);
    let Ok(NewItem::Run(r)) = describe(Kind::Run, &ok, &Extra::new(), true) else { panic!("a run") };
    assert_eq!(r.compute, Some(RunCompute::Existing("c".into())));
    assert_eq!(r.params, [("d".to_string(), "1".to_string())]);
    // The JSON's own tasks need no field.
    let tasks: Extra = json!({"tasks": [{"task_key": "a"}]}).as_object().cloned().unwrap_or_default();
    let fields = form(Kind::Run, &[(F::Workspace, "adb")]);
    assert!(describe(Kind::Run, &fields, &tasks, true).is_ok());
}
