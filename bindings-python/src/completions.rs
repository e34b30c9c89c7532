//! Results of native calls, handed to one asyncio event loop without a tokio thread ever
//! touching a Python object.
//!
//! Why not `pyo3-async-runtimes` (used before, issue 8): it resolves the asyncio future from the
//! tokio thread, which takes the GIL, calls `loop.call_soon_threadsafe` and then drops its
//! references to the loop and the future. Once `call_soon_threadsafe` has woken the loop, the
//! coroutine can get its result and the interpreter can start finalizing while that tokio thread
//! still runs Python code or waits to take the GIL back. A foreign thread that takes the GIL
//! during finalization is ended by `pthread_exit` inside Rust frames: SIGSEGV or SIGABRT at exit.
//!
//! Here a task only pushes its Rust result into a queue and writes one byte to a socket pair. The
//! event loop watches the other end (`loop.add_reader`, see `_aio.py`), and on its own thread,
//! holding the GIL, turns the results into Python objects and resolves the futures. Nothing a
//! task holds is a Python object, so nothing it does, before or during finalization, can reach
//! the interpreter.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use cinetpay::{Error as CoreError, ErrorCode, blocking};
use futures_util::FutureExt;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use tokio::task::AbortHandle;

/// A finished call's result: the bridge's JSON value, or the core's error. Both become Python
/// objects only on the loop's thread.
type Outcome = Result<serde_json::Value, CoreError>;

/// What the tasks and the loop's side share. It holds no Python object.
struct Shared {
    /// Finished calls, in the order they finished.
    finished: Mutex<Vec<(u64, Outcome)>>,
    /// Calls still running, so that a cancelled future can abort its task.
    running: Mutex<HashMap<u64, AbortHandle>>,
    /// The end tasks write to. Non-blocking: a full buffer already means a wake-up is pending.
    #[cfg(unix)]
    wake: std::os::unix::net::UnixStream,
    /// The end the loop watches. Kept here, not in `Completions`, so that it closes only with
    /// the last task: a write to a closed peer would raise SIGPIPE in a process that does not
    /// ignore it.
    #[cfg(unix)]
    readable: std::os::unix::net::UnixStream,
}

/// Locks a mutex even if a task panicked while holding it: the data stay consistent (each
/// critical section is a single push, insert or remove).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn finish(&self, id: u64, outcome: Outcome) {
        lock(&self.running).remove(&id);
        let first = {
            let mut finished = lock(&self.finished);
            finished.push((id, outcome));
            finished.len() == 1
        };
        // One byte per batch: the loop drains the socket before it takes the queue, so a result
        // pushed after a drain always finds the queue empty and writes again.
        #[cfg(unix)]
        if first {
            use std::io::Write;
            let _ = (&self.wake).write(&[1]);
        }
        #[cfg(not(unix))]
        let _ = first;
    }
}

/// The calls in flight on one event loop; `_aio.py` keeps one per loop.
#[pyclass(module = "cinetpay._cinetpay", frozen)]
pub struct Completions {
    shared: Arc<Shared>,
    next_id: AtomicU64,
}

impl Completions {
    /// Runs `call` on the SDK's runtime and returns its id. A panic inside it is caught and
    /// delivered as an `internal` error, as on the blocking path: the awaiting future always
    /// gets an answer.
    pub fn spawn(&self, call: impl Future<Output = Outcome> + Send + 'static) -> PyResult<u64> {
        let runtime = blocking::runtime().map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::clone(&self.shared);
        // Held across the spawn, so that a task that finishes at once removes its entry only
        // after it was inserted.
        let mut running = lock(&self.shared.running);
        let task = runtime.spawn(async move {
            let outcome = AssertUnwindSafe(call)
                .catch_unwind()
                .await
                .unwrap_or_else(|_| {
                    Err(CoreError::new(
                        ErrorCode::Internal,
                        "the request task panicked; please report this bug",
                    ))
                });
            shared.finish(id, outcome);
        });
        running.insert(id, task.abort_handle());
        Ok(id)
    }
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        #[cfg(unix)]
        {
            let (wake, readable) = std::os::unix::net::UnixStream::pair()?;
            wake.set_nonblocking(true)?;
            readable.set_nonblocking(true)?;
            Ok(Completions {
                shared: Arc::new(Shared {
                    finished: Mutex::new(Vec::new()),
                    running: Mutex::new(HashMap::new()),
                    wake,
                    readable,
                }),
                next_id: AtomicU64::new(0),
            })
        }
        #[cfg(not(unix))]
        Err(PyRuntimeError::new_err(
            "cinetpay.AsyncClient needs a Unix event loop for now (Linux or macOS); use \
             cinetpay.Client in a thread (asyncio.to_thread) on this platform",
        ))
    }

    /// The descriptor the event loop watches for finished calls.
    fn fileno(&self) -> i64 {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            i64::from(self.shared.readable.as_raw_fd())
        }
        #[cfg(not(unix))]
        -1
    }

    /// Takes every finished call as `(id, ok, value)`: the result's Python objects, or the
    /// error's object (a dict).
    fn take<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        #[cfg(unix)]
        {
            use std::io::Read;
            let mut buf = [0u8; 256];
            // Drain first, then take the queue (see `Shared::finish`).
            while matches!((&self.shared.readable).read(&mut buf), Ok(n) if n > 0) {}
        }
        let finished = std::mem::take(&mut *lock(&self.shared.finished));
        let list = PyList::empty(py);
        for (id, outcome) in finished {
            // A result that cannot become Python objects is reported on its own call, so that
            // it never strands the calls after it.
            let item = match outcome.map(|value| crate::to_py(py, &value)) {
                Ok(Ok(value)) => (id, true, value),
                Ok(Err(e)) => (
                    id,
                    false,
                    error_object(
                        &CoreError::new(
                            ErrorCode::Internal,
                            format!("could not build the result: {e}"),
                        ),
                        py,
                    ),
                ),
                Err(e) => (id, false, error_object(&e, py)),
            };
            list.append(item)?;
        }
        Ok(list)
    }

    /// Aborts a call whose future was cancelled; its result, if any, is never delivered.
    fn cancel(&self, id: u64) {
        if let Some(task) = lock(&self.shared.running).remove(&id) {
            task.abort();
        }
    }

    /// How many calls are still running (for tests and `repr`).
    fn running(&self) -> usize {
        lock(&self.shared.running).len()
    }
}

/// The error object as a dict, built on the loop's thread (it runs no Python code).
fn error_object(e: &CoreError, py: Python<'_>) -> Py<PyAny> {
    crate::to_py(py, &e.to_json()).unwrap_or_else(|_| {
        PyString::new(py, &e.to_json().to_string())
            .into_any()
            .unbind()
    })
}

impl Drop for Completions {
    /// The loop is gone, so no one can receive these results: stop the work instead of letting
    /// it run unobserved.
    fn drop(&mut self) {
        for (_, task) in lock(&self.shared.running).drain() {
            task.abort();
        }
    }
}
