//! Background work under one supervisor, started with the server and stopped with it.
//!
//! Each job (the mail outbox with password-reset requests, webhook deliveries, workshop
//! reminders, housekeeping of limit counters, the changes feed's old tombstones and the file
//! store's orphans, virus scans of held uploads) runs in its
//! own task that the supervisor watches: an error is logged and the job tries again after a
//! pause that grows with repeated failures; a panic is logged and the job is started again. A
//! job runs batch after batch while work is due, then waits for its poll interval or for a
//! wake-up (`Wake`, sent when a transaction that may have queued work commits). On shutdown
//! every job finishes the batch in hand and stops; nothing is abandoned half-sent.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::error::ApiError;
use crate::services::{
    accounts::security_limits, events::changes, events::webhooks, files, jobs::outbox,
    jobs::reminders, messages::links, store::idempotency_keys,
};
use crate::state::{AppState, Wake};

/// How long a panicked job rests before it starts again.
const RESTART_PAUSE: Duration = Duration::from_secs(1);
/// How long shutdown waits for the jobs to finish their batch.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How often expired limit counters are removed.
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(300);
/// The longest pause after repeated failures.
const MAX_FAILURE_PAUSE: Duration = Duration::from_secs(30);

/// The background jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    /// Delivers due messages from the mail outbox.
    Mail,
    /// Delivers due webhook messages.
    Webhooks,
    /// Queues reminders for workshops that are about to start.
    Reminders,
    /// Removes security-limit counters whose window has ended.
    Housekeeping,
    /// Has held uploads scanned for viruses (with `CLAMAV_URL`).
    Scans,
}

impl Job {
    pub const ALL: [Job; 5] = [
        Job::Mail,
        Job::Webhooks,
        Job::Reminders,
        Job::Housekeeping,
        Job::Scans,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::Mail => "mail",
            Job::Webhooks => "webhooks",
            Job::Reminders => "reminders",
            Job::Housekeeping => "housekeeping",
            Job::Scans => "scans",
        }
    }

    /// The pause between two looks when nothing was due.
    fn interval(self, state: &AppState) -> Duration {
        match self {
            Job::Housekeeping => HOUSEKEEPING_INTERVAL,
            Job::Mail | Job::Webhooks | Job::Reminders | Job::Scans => {
                Duration::from_millis(state.config.outbox_poll_ms.max(10))
            }
        }
    }

    /// Does one batch of due work; `true` when more is due at once.
    async fn run_once(self, state: &AppState) -> Result<bool, ApiError> {
        match self {
            Job::Mail => {
                let more_requests = links::answer_password_resets(state).await?;
                outbox::deliver_due(state)
                    .await
                    .map(|d| d.more || more_requests)
            }
            Job::Webhooks => webhooks::deliver_due(state).await.map(|b| b.more),
            Job::Reminders => reminders::send_due(state).await.map(|_| false),
            Job::Housekeeping => {
                let now = state.clock.now();
                security_limits::sweep(&state.db, now).await?;
                let keep =
                    chrono::Duration::from_std(state.config.changes_retention).unwrap_or_default();
                changes::purge(&state.db, now - keep).await?;
                webhooks::purge_log(&state.db, now).await?;
                idempotency_keys::purge(&state.db, now).await?;
                files::sweep(state, now).await?;
                Ok(false)
            }
            // One file a turn; another turn at once while files are being passed.
            Job::Scans => files::scan::scan_next(state).await.map(|s| {
                matches!(
                    s,
                    files::scan::Scanned::Clean(_) | files::scan::Scanned::Infected(..)
                )
            }),
        }
    }
}

/// The signal a job waits on between turns, if any (the others only sleep).
fn signal_of(wake: &Wake, job: Job) -> Option<Arc<Notify>> {
    match job {
        Job::Mail => Some(wake.mail_signal()),
        Job::Webhooks => Some(wake.webhooks_signal()),
        Job::Reminders | Job::Housekeeping | Job::Scans => None,
    }
}

/// The running jobs. Dropping it asks them to stop; `shutdown` also waits for them.
pub struct Supervisor {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Supervisor {
    /// Starts every job.
    pub fn start(state: Arc<AppState>) -> Supervisor {
        let (stop, watching) = watch::channel(false);
        let tasks = Job::ALL
            .into_iter()
            .map(|job| {
                let (state, stop) = (state.clone(), watching.clone());
                tokio::spawn(supervise(job.name(), watching.clone(), move || {
                    run(job, state.clone(), stop.clone())
                }))
            })
            .collect();
        Supervisor { stop, tasks }
    }

    /// Asks every job to stop after its batch in hand, and waits for them (up to 30 s).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let tasks = std::mem::take(&mut self.tasks);
        let all = futures_util::future::join_all(tasks);
        if tokio::time::timeout(SHUTDOWN_GRACE, all).await.is_err() {
            tracing::warn!("background jobs did not stop in time");
        } else {
            tracing::info!("background jobs stopped");
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Runs `start()` until it returns, starting it again (after a pause) when it panics.
async fn supervise<F, Fut>(name: &'static str, mut stop: watch::Receiver<bool>, start: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        match tokio::spawn(start()).await {
            Ok(()) => return,
            Err(e) if e.is_panic() => {
                tracing::error!(job = name, "background job panicked; starting it again");
                if *stop.borrow() || pause_or_stop(&mut stop, RESTART_PAUSE, None).await {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// The job's loop: batch after batch while work is due, then a wait.
async fn run(job: Job, state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    let _running = Running::count(state.wake.running_count());
    let interval = job.interval(&state);
    let wake = signal_of(&state.wake, job);
    let mut failures: u32 = 0;
    loop {
        if *stop.borrow() {
            return;
        }
        let pause = match job.run_once(&state).await {
            Ok(true) => {
                failures = 0;
                continue;
            }
            Ok(false) => {
                failures = 0;
                interval
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::error!(job = job.name(), failures, error = %e, "background job failed");
                failure_pause(interval, failures)
            }
        };
        if pause_or_stop(&mut stop, pause, wake.as_deref()).await {
            return;
        }
    }
}

/// Counts a running job loop for as long as it lives (a panic included).
struct Running(Arc<AtomicUsize>);

impl Running {
    fn count(counter: &Arc<AtomicUsize>) -> Running {
        counter.fetch_add(1, Ordering::SeqCst);
        Running(counter.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The pause after `failures` failures in a row: the interval, doubled each time, capped.
fn failure_pause(interval: Duration, failures: u32) -> Duration {
    interval
        .saturating_mul(1u32 << failures.min(10))
        .min(MAX_FAILURE_PAUSE.max(interval))
}

/// Waits for the pause, a wake-up or the stop signal; `true` when asked to stop.
async fn pause_or_stop(
    stop: &mut watch::Receiver<bool>,
    pause: Duration,
    wake: Option<&Notify>,
) -> bool {
    let woken = async {
        match wake {
            Some(n) => n.notified().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        changed = stop.changed() => changed.is_err() || *stop.borrow(),
        _ = woken => false,
        _ = tokio::time::sleep(pause) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_up_to_the_cap() {
        let i = Duration::from_millis(100);
        assert_eq!(failure_pause(i, 1), Duration::from_millis(200));
        assert_eq!(failure_pause(i, 3), Duration::from_millis(800));
        assert_eq!(failure_pause(i, 30), MAX_FAILURE_PAUSE);
        assert_eq!(
            failure_pause(Duration::from_secs(60), 2),
            Duration::from_secs(60)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_job_is_started_again_until_it_returns() {
        let starts = Arc::new(AtomicUsize::new(0));
        let (_tx, rx) = watch::channel(false);
        let counted = starts.clone();
        supervise("test", rx, move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(n >= 2, "fails the first two times");
            }
        })
        .await;
        assert_eq!(starts.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_job_is_not_started_again_once_asked_to_stop() {
        let starts = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = watch::channel(false);
        let _ = tx.send(true);
        let counted = starts.clone();
        supervise("test", rx, move || {
            counted.fetch_add(1, Ordering::SeqCst);
            async { panic!("always fails") }
        })
        .await;
        assert_eq!(starts.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_stop_signal_ends_the_wait_and_a_wake_up_ends_it_too() {
        let (tx, mut rx) = watch::channel(false);
        let n = Notify::new();
        n.notify_one();
        assert!(!pause_or_stop(&mut rx, Duration::from_secs(60), Some(&n)).await);
        let _ = tx.send(true);
        assert!(pause_or_stop(&mut rx, Duration::from_secs(60), Some(&n)).await);
    }
}
