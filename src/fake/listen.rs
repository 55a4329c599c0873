//! Accept loops and connection threads, and stopping them all.

use std::io;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::shared::Shared;
use crate::net::poll::{wait, Interest, Readiness};

/// How long an accept loop backs off after an accept error other than "nothing to accept"
/// (e.g. out of file descriptors), so it does not spin.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_secs(1);

/// Serves one accepted connection, in its own thread.
pub(crate) type ServeFn = fn(&Arc<Shared>, TcpStream);

/// Starts a thread accepting on `listener` (already non-blocking) until shutdown, each
/// connection served by `serve` in a thread of its own.
pub(crate) fn spawn_accept_loop(
    name: &str,
    listener: TcpListener,
    shared: Arc<Shared>,
    serve: ServeFn,
) -> io::Result<JoinHandle<()>> {
    let conn_name = format!("{name}-conn");
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || accept_loop(&listener, &shared, &conn_name, serve))
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, name: &str, serve: ServeFn) {
    let shutdown = shared.shutdown_waker.as_fd();
    loop {
        if shared.is_shutting_down() {
            return;
        }
        let outcome = match listener.accept() {
            Ok((tcp, peer)) => {
                shared.peers.lock().push(peer);
                spawn_connection(shared, name, tcp, serve);
                continue;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                wait(listener.as_fd(), Interest::Read, Some(shutdown), None)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::ConnectionAborted => continue,
            Err(e) => {
                log::warn!("fake slack: accept failed: {e}");
                let until = crate::protocol::deadline::after(Instant::now(), ACCEPT_ERROR_BACKOFF);
                wait(shutdown, Interest::Read, None, Some(until))
            }
        };
        match outcome {
            Ok(Readiness::Ready | Readiness::Woken | Readiness::TimedOut) => {}
            Err(e) => {
                log::warn!("fake slack: poll on a listener failed: {e}");
                return;
            }
        }
    }
}

/// Registers a clone of the socket (so shutdown can unblock the thread) and starts the
/// thread.
fn spawn_connection(shared: &Arc<Shared>, name: &str, tcp: TcpStream, serve: ServeFn) {
    if let Err(e) = tcp
        .set_nonblocking(false)
        .and_then(|()| tcp.set_nodelay(true))
    {
        log::debug!("fake slack: socket setup failed: {e}");
        return;
    }
    let id = shared.next_id();
    match tcp.try_clone() {
        Ok(clone) => {
            shared.conns.lock().insert(id, clone);
        }
        Err(e) => {
            log::debug!("fake slack: cannot clone a socket: {e}");
            return;
        }
    }
    let thread_shared = shared.clone();
    let spawned = thread::Builder::new().name(name.to_owned()).spawn(move || {
        serve(&thread_shared, tcp);
        thread_shared.conns.lock().remove(&id);
    });
    match spawned {
        Ok(handle) => {
            let mut threads = shared.threads.lock();
            threads.retain(|t| !t.is_finished());
            threads.push(handle);
        }
        Err(e) => {
            log::warn!("fake slack: cannot start a connection thread: {e}");
            shared.conns.lock().remove(&id);
        }
    }
}

/// Stops every thread: the accept loops first (so no new connection starts), then every
/// connection, by shutting its socket down and waking its session.
pub(crate) fn shut_down(shared: &Shared, accept_loops: Vec<JoinHandle<()>>) {
    shared.begin_shutdown();
    for handle in accept_loops {
        let _ = handle.join();
    }
    for tcp in shared.conns.lock().values() {
        let _ = tcp.shutdown(Shutdown::Both);
    }
    for session in shared.sessions.lock().values() {
        session.wake();
    }
    let threads = std::mem::take(&mut *shared.threads.lock());
    for handle in threads {
        let _ = handle.join();
    }
}
