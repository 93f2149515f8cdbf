//! Background tasks that cannot die silently. A panic in a poller or an effect's task is caught
//! where it happens (tokio would keep it in a join handle nobody reads), logged, told to the app
//! as a failure of what that task was doing, and a poller is started again — so the monitor
//! never runs on with a part of it quietly gone.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use tokio::task::JoinHandle;

/// The longest pause before a poller that keeps panicking is started again.
const MAX_RESTART_PAUSE: Duration = Duration::from_secs(60);

/// Spawn `work`; should it panic, `report` hears the panic's message (the task never ends
/// without a word). Aborting the handle stops `work`.
pub fn spawn_reporting<W, R>(work: W, report: impl FnOnce(String) -> R + Send + 'static) -> JoinHandle<()>
where
    W: Future<Output = ()> + Send + 'static,
    R: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        if let Err(panic) = AssertUnwindSafe(work).catch_unwind().await {
            let why = panic_message(panic.as_ref());
            tracing::error!("a background task panicked: {why}");
            report(why).await;
        }
    })
}

/// Run what `start` makes until it returns; each time it panics, `report` hears why (and says
/// whether to go on: `false` when nobody is listening any more), then it is started again after
/// a pause that grows with each panic.
pub async fn restarting<W, R>(mut start: impl FnMut() -> W, mut report: impl FnMut(String, u32) -> R)
where
    W: Future<Output = ()>,
    R: Future<Output = bool>,
{
    let mut panics = 0u32;
    loop {
        match AssertUnwindSafe(start()).catch_unwind().await {
            Ok(()) => return,
            Err(panic) => {
                panics += 1;
                let why = panic_message(panic.as_ref());
                tracing::error!(panics, "a poller panicked and is started again: {why}");
                if !report(why, panics).await {
                    return;
                }
                let pause = Duration::from_secs(1 << panics.min(6)).min(MAX_RESTART_PAUSE);
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// The text a panic was raised with (`panic!("…")`, `expect`, arithmetic overflow).
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use tokio::sync::mpsc;

    use super::*;

    #[tokio::test]
    async fn a_panicking_task_is_reported_with_its_message() {
        let (tx, mut rx) = mpsc::channel(1);
        let handle = spawn_reporting(
            async {
                let limits: Vec<u32> = Vec::new();
                if limits.is_empty() {
                    panic!("the limit is {:?}", limits.first());
                }
            },
            move |why| async move {
                let _ = tx.send(why).await;
            },
        );
        assert_eq!(rx.recv().await.as_deref(), Some("the limit is None"));
        assert!(handle.await.is_ok(), "the task itself ends normally");
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_poller_is_reported_and_started_again() {
        let starts = Arc::new(AtomicU32::new(0));
        let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (s, r) = (starts.clone(), reports.clone());
        restarting(
            move || {
                let n = s.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 2 {
                        let wait = std::time::Duration::from_secs(u64::MAX);
                        let _ = tokio::time::Instant::now() + wait;
                    }
                }
            },
            move |why, panics| {
                r.lock().unwrap_or_else(|e| e.into_inner()).push((why, panics));
                async { true }
            },
        )
        .await;
        assert_eq!(starts.load(Ordering::SeqCst), 3, "two panics, then a run that ends");
        let reports = reports.lock().unwrap_or_else(|e| e.into_inner()).clone();
        assert_eq!(reports.len(), 2);
        assert!(reports[0].0.contains("overflow"), "{reports:?}");
        assert_eq!((reports[0].1, reports[1].1), (1, 2));
    }
}
