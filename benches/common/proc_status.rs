//! What the benches read of their own process in `/proc`: a numeric field of a `status`
//! file, and the wake-ups of the client's threads. Included by each bench with `#[path]`
//! (a bench is its own crate; this file is not one).

/// The number after `key` (e.g. `"VmRSS:"`) in the `/proc` status file at `path`.
pub fn status_field(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Wake-ups so far of each thread of this process whose name starts with `prefix`: its
/// voluntary context switches (it slept and was woken). Involuntary ones are preemptions
/// by other processes on a loaded machine, not the client waking up, so they are left out.
pub fn thread_wakeups(prefix: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in dir.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let name = name.trim().to_string();
        if !name.starts_with(prefix) {
            continue;
        }
        let status = path.join("status");
        let woke = status_field(&status.to_string_lossy(), "voluntary_ctxt_switches:").unwrap_or(0);
        out.push((name, woke));
    }
    out.sort();
    out
}
