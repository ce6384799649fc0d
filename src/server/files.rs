//! What minping writes is for its operator alone: the data directory is `0700` and every
//! file the process creates is `0600` (the database and its WAL, the server secret, the SMS
//! outbox, the demo's invitation list, exports written by the command line). The review found
//! the database, its WAL, the outbox and exports world-readable (0644).

use std::path::Path;

/// From now on, files and directories this process creates are its user's alone (umask 077).
/// SQLite gives its WAL and shared-memory files the database file's mode, so they follow.
pub fn private_by_default() {
    #[cfg(unix)]
    // SAFETY: umask only swaps the process's file-creation mask; it touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates the data directory if needed, and makes it and the files in it private, including
/// those written by an earlier version with wider modes.
pub fn lock_down(data_dir: &Path) -> std::io::Result<()> {
    private_by_default();
    std::fs::create_dir_all(data_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
        for entry in std::fs::read_dir(data_dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}
