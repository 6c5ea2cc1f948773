//! How many amphorae this process can probe at once: each holds one
//! connection, one file descriptor, at a time (the two connections of an
//! amphora are made one after the other), so the file-descriptor limit
//! (RLIMIT_NOFILE), less what is open and a reserve, bounds the concurrency.
//! Past it, connections would fail on this host (EMFILE) and say nothing of
//! the amphorae.

use crate::error::{Error, Result};

/// Descriptors kept for all but the amphorae's connections: the runtime's
/// own (its poll and wake descriptors), the reports held on disk while an
/// earlier amphora is still probed, name lookups, the output and what the
/// caller opens meanwhile.
pub const RESERVED_FDS: u64 = 32;

/// How many amphorae may be probed at once in this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Concurrency {
    /// As many as asked for, or fewer when the file-descriptor limit does not
    /// allow as many connections.
    pub allowed: usize,
    /// The soft file-descriptor limit (RLIMIT_NOFILE), when there is one.
    pub fd_limit: Option<u64>,
    /// The descriptors this process had open when it was measured.
    pub open_fds: u64,
}

/// How many of `requested` amphorae may be probed at once under this
/// process's file-descriptor limit; an error when it leaves room for none.
pub fn concurrency(requested: usize) -> Result<Concurrency> {
    let fd_limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
    let open_fds = open_fds();
    let Some(limit) = fd_limit else {
        return Ok(Concurrency {
            allowed: requested,
            fd_limit,
            open_fds,
        });
    };
    let room = limit.saturating_sub(open_fds + RESERVED_FDS);
    if room == 0 {
        return Err(Error::Local(format!(
            "the file-descriptor limit is {limit} and {open_fds} are open: no amphora can be \
             probed (each takes one while it is probed, and {RESERVED_FDS} are kept for the \
             rest); raise the limit to at least {}",
            open_fds + RESERVED_FDS + 1
        )));
    }
    Ok(Concurrency {
        allowed: requested.min(usize::try_from(room).unwrap_or(usize::MAX)),
        fd_limit,
        open_fds,
    })
}

/// The descriptors open in this process (Linux's /proc/self/fd; elsewhere
/// the three standard streams).
fn open_fds() -> u64 {
    match std::fs::read_dir("/proc/self/fd") {
        // Less the one reading the directory.
        Ok(entries) => (entries.count() as u64).saturating_sub(1),
        Err(_) => 3,
    }
}

/// Whether a failed connection or lookup failed for want of something on
/// this host (descriptors, buffers, memory, local ports), not because of the
/// peer.
pub(super) fn is_local_exhaustion(e: &std::io::Error) -> bool {
    use rustix::io::Errno;
    Errno::from_io_error(e).is_some_and(|errno| {
        [
            Errno::MFILE,
            Errno::NFILE,
            Errno::NOBUFS,
            Errno::NOMEM,
            Errno::ADDRNOTAVAIL,
        ]
        .contains(&errno)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_bounds_the_concurrency() {
        let now = concurrency(1).unwrap();
        assert_eq!(now.allowed, 1);
        assert!(now.open_fds >= 3, "{now:?}");
        if let Some(limit) = now.fd_limit {
            let most = concurrency(usize::MAX).unwrap().allowed as u64;
            assert!(
                most + now.open_fds + RESERVED_FDS <= limit,
                "{most} {now:?}"
            );
        }
    }

    #[test]
    fn running_out_of_descriptors_is_local_and_a_refusal_is_not() {
        for errno in [rustix::io::Errno::MFILE, rustix::io::Errno::NFILE] {
            let e = std::io::Error::from_raw_os_error(errno.raw_os_error());
            assert!(is_local_exhaustion(&e), "{e}");
        }
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(!is_local_exhaustion(&refused));
        let timeout = std::io::Error::from_raw_os_error(rustix::io::Errno::TIMEDOUT.raw_os_error());
        assert!(!is_local_exhaustion(&timeout));
    }
}
