//! The folder walk behind [`discover`](super::discover) on Unix: every folder is opened
//! relative to its parent's open handle (`openat`), so the cost of a walk grows with the
//! number of folders and files, not with their depth.
//!
//! Opening each folder by its whole path (as a walk by paths does) makes the system resolve
//! every ancestor again: a chain of folders N deep costs N² path steps. Here the walk keeps a
//! folder's handle open only until its last subfolder is opened, and at most [`HELD`] at a
//! time; past that, a subfolder is opened by its whole path (still correct, only slower).
//!
//! The rules are those of the walk by paths it replaces: dot-files and dot-folders are
//! skipped unless an ignore file lets them in, `.ignore`, `.gitignore` and the repository's
//! `info/exclude` apply to the folder holding them and everything below (the file nearest a
//! path deciding, `.ignore` before `.gitignore` before `info/exclude`), files above the walk's
//! root are not read, symlinks are reported and never followed, and a folder that cannot be
//! read is reported with its path and the system's reason. It does not judge what it found:
//! [`discover`](super::discover) sorts out notes, attachments and names.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};

/// Folder handles kept open at once for opening subfolders; far below the usual limit of
/// 1,024 open files, so the reads that follow the walk never run short.
const HELD: usize = 128;

/// One entry the walk kept, as its path below the root.
pub(super) enum Found {
    /// A regular file.
    File(PathBuf),
    /// A symbolic link, not followed.
    Symlink(PathBuf),
    /// An error, as the message to show (its path included).
    Error(String),
}

/// Walks the folder `root` on `threads` threads and returns what it kept, in no set order.
pub(super) fn walk(root: &Path, threads: usize) -> Vec<Found> {
    walk_holding(root, threads, HELD)
}

/// [`walk`], keeping at most `hold` folder handles open.
fn walk_holding(root: &Path, threads: usize, hold: usize) -> Vec<Found> {
    let walk = Walk {
        root,
        hold,
        queue: Mutex::new(Queue {
            jobs: vec![Job {
                parent: None,
                name: OsString::new(),
            }],
            busy: 0,
        }),
        wake: Condvar::new(),
        held: AtomicUsize::new(0),
    };
    let threads = threads.max(1);
    if threads == 1 {
        let mut found = Vec::new();
        walk.work(&mut found);
        return found;
    }
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    walk.work(&mut found);
                    found
                })
            })
            .collect();
        let mut found = Vec::new();
        walk.work(&mut found);
        for other in others {
            // A worker that panicked lost only its own entries; the walk never panics on input.
            if let Ok(more) = other.join() {
                found.extend(more);
            }
        }
        found
    })
}

struct Walk<'a> {
    root: &'a Path,
    hold: usize,
    queue: Mutex<Queue>,
    wake: Condvar,
    /// Folder handles kept open for subfolders, against `hold`.
    held: AtomicUsize,
}

struct Queue {
    jobs: Vec<Job>,
    /// Workers holding a job (which may add more).
    busy: usize,
}

/// A folder to open: `name` inside `parent` (the root itself when `parent` is `None`).
struct Job {
    parent: Option<Arc<Folder>>,
    name: OsString,
}

/// A folder that was opened and read.
struct Folder {
    parent: Option<Arc<Folder>>,
    name: OsString,
    depth: usize,
    /// The nearest ignore files at or above this folder.
    rules: Option<Arc<Rules>>,
    /// Open while subfolders remain to be opened from it (and the walk could keep it).
    handle: Mutex<Option<Arc<Dir>>>,
    unopened: AtomicUsize,
}

/// The ignore files of one folder, and those of the folders above it.
struct Rules {
    /// Depth of the folder holding these files (the root is 0).
    depth: usize,
    ignore: Gitignore,
    gitignore: Gitignore,
    exclude: Gitignore,
    parent: Option<Arc<Rules>>,
}

impl Walk<'_> {
    fn work(&self, found: &mut Vec<Found>) {
        loop {
            let job = {
                let Ok(mut queue) = self.queue.lock() else {
                    return;
                };
                loop {
                    if let Some(job) = queue.jobs.pop() {
                        queue.busy += 1;
                        break job;
                    }
                    if queue.busy == 0 {
                        self.wake.notify_all();
                        return;
                    }
                    queue = match self.wake.wait(queue) {
                        Ok(q) => q,
                        Err(_) => return,
                    };
                }
            };
            let busy = Busy(self);
            let more = self.visit(job, found);
            if !more.is_empty()
                && let Ok(mut queue) = self.queue.lock()
            {
                queue.jobs.extend(more);
            }
            drop(busy);
        }
    }

    /// Opens and reads one folder; returns its subfolders to walk.
    fn visit(&self, job: Job, found: &mut Vec<Found>) -> Vec<Job> {
        let depth = job.parent.as_ref().map_or(0, |p| p.depth + 1);
        let opened = self.open(job.parent.as_ref(), &job.name);
        let folder = Folder {
            parent: job.parent,
            name: job.name,
            depth,
            rules: None,
            handle: Mutex::new(None),
            unopened: AtomicUsize::new(0),
        };
        let mut dir = match opened {
            Ok(dir) => dir,
            Err(err) => {
                found.push(Found::Error(self.error(&folder, err)));
                return Vec::new();
            }
        };
        let mut entries: Vec<(OsString, FileType)> = Vec::new();
        let mut marks = Marks::default();
        while let Some(entry) = dir.read() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    found.push(Found::Error(self.error(&folder, err)));
                    break;
                }
            };
            let name = OsStr::from_bytes(entry.file_name().to_bytes());
            if name == "." || name == ".." {
                continue;
            }
            let kind = match entry.file_type() {
                FileType::Unknown => match dir.fd().and_then(|fd| {
                    rustix::fs::statat(fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                }) {
                    Ok(stat) => FileType::from_raw_mode(stat.st_mode),
                    Err(_) => FileType::Unknown,
                },
                kind => kind,
            };
            marks.note(name);
            entries.push((name.to_os_string(), kind));
        }
        let mut folder = folder;
        folder.rules = self.rules(&folder, &marks);
        let folder = Arc::new(folder);
        // The path of this folder below the root, in parts, only when ignore files apply.
        let parts = folder.rules.as_ref().map(|_| folder.parts());
        let mut subfolders = Vec::new();
        // Built for the first file kept: a folder of folders never spells out its path.
        let mut below: Option<PathBuf> = None;
        for (name, kind) in entries {
            let is_dir = kind == FileType::Directory;
            if is_ignored(&folder, parts.as_deref(), &name, is_dir) {
                continue;
            }
            match kind {
                FileType::Symlink => {
                    let path = below.get_or_insert_with(|| folder.below()).join(&name);
                    found.push(Found::Symlink(path));
                }
                FileType::Directory => subfolders.push(name),
                FileType::RegularFile => {
                    let path = below.get_or_insert_with(|| folder.below()).join(&name);
                    found.push(Found::File(path));
                }
                // Sockets, pipes and devices are never opened.
                _ => {}
            }
        }
        if subfolders.is_empty() {
            return Vec::new();
        }
        folder.unopened.store(subfolders.len(), Ordering::Release);
        if self.held.fetch_add(1, Ordering::AcqRel) < self.hold {
            if let Ok(mut handle) = folder.handle.lock() {
                *handle = Some(Arc::new(dir));
            }
        } else {
            self.held.fetch_sub(1, Ordering::AcqRel);
        }
        subfolders
            .into_iter()
            .map(|name| Job {
                parent: Some(Arc::clone(&folder)),
                name,
            })
            .collect()
    }

    /// Opens folder `name` of `parent` through the parent's handle, or by its whole path when
    /// the parent's handle was not kept. Symlinks are not followed, the root's excepted.
    fn open(&self, parent: Option<&Arc<Folder>>, name: &OsStr) -> rustix::io::Result<Dir> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let Some(parent) = parent else {
            return rustix::fs::open(self.root, flags, Mode::empty()).and_then(Dir::new);
        };
        let flags = flags | OFlags::NOFOLLOW;
        let handle = parent.handle.lock().ok().and_then(|h| h.clone());
        let opened = match handle.as_ref().map(|dir| dir.fd()) {
            Some(Ok(fd)) => rustix::fs::openat(fd, name, flags, Mode::empty()),
            _ => {
                let path = self.root.join(parent.below()).join(name);
                rustix::fs::open(&path, flags, Mode::empty())
            }
        };
        drop(handle);
        if parent.unopened.fetch_sub(1, Ordering::AcqRel) == 1 {
            // The last subfolder is open: the parent's handle is no longer needed.
            let kept = parent.handle.lock().ok().and_then(|mut h| h.take());
            if kept.is_some() {
                self.held.fetch_sub(1, Ordering::AcqRel);
            }
        }
        opened.and_then(Dir::new)
    }

    /// The message for a folder that could not be read: its whole path and the reason.
    fn error(&self, folder: &Folder, err: rustix::io::Errno) -> String {
        let below = folder.below();
        let path = if below.as_os_str().is_empty() {
            self.root.to_path_buf()
        } else {
            self.root.join(below)
        };
        format!("{}: {}", path.display(), std::io::Error::from(err))
    }

    /// The ignore files in `folder` (seen in `marks`), chained to those above it.
    fn rules(&self, folder: &Folder, marks: &Marks) -> Option<Arc<Rules>> {
        let above = folder.parent.as_ref().and_then(|p| p.rules.clone());
        if !marks.ignore && !marks.gitignore && !marks.git {
            return above;
        }
        // Only folders holding an ignore file pay for their whole path here.
        let dir = self.root.join(folder.below());
        let read = |file: Option<PathBuf>| match file {
            Some(file) if file.exists() => gitignore(&file),
            _ => Gitignore::empty(),
        };
        let ignore = read(marks.ignore.then(|| dir.join(".ignore")));
        let gitignore = read(marks.gitignore.then(|| dir.join(".gitignore")));
        let exclude = read(
            marks
                .git
                .then(|| git_dir(&dir))
                .flatten()
                .map(|git| git.join("info/exclude")),
        );
        if ignore.is_empty() && gitignore.is_empty() && exclude.is_empty() {
            return above;
        }
        Some(Arc::new(Rules {
            depth: folder.depth,
            ignore,
            gitignore,
            exclude,
            parent: above,
        }))
    }
}

/// A worker's hold on a job: released when the job is done (or its worker panicked, so the
/// others never wait for it).
struct Busy<'w, 'a>(&'w Walk<'a>);

impl Drop for Busy<'_, '_> {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.0.queue.lock() {
            queue.busy = queue.busy.saturating_sub(1);
        }
        self.0.wake.notify_all();
    }
}

impl Folder {
    /// This folder's path below the root.
    fn below(&self) -> PathBuf {
        self.parts().iter().collect()
    }

    /// The names from the root down to this folder (none for the root).
    fn parts(&self) -> Vec<&OsStr> {
        let mut parts = Vec::with_capacity(self.depth);
        let mut at = Some(self);
        while let Some(folder) = at {
            if folder.parent.is_some() {
                parts.push(folder.name.as_os_str());
            }
            at = folder.parent.as_deref();
        }
        parts.reverse();
        parts
    }
}

/// Which ignore files a folder holds.
#[derive(Default)]
struct Marks {
    ignore: bool,
    gitignore: bool,
    git: bool,
}

impl Marks {
    fn note(&mut self, name: &OsStr) {
        match name.as_bytes() {
            b".ignore" => self.ignore = true,
            b".gitignore" => self.gitignore = true,
            b".git" => self.git = true,
            _ => {}
        }
    }
}

/// Whether entry `name` of `folder` is left out: by the nearest ignore file that decides it,
/// else for being hidden (a name starting with `.`). `parts` is the folder's path below the
/// root, given when ignore files apply.
fn is_ignored(folder: &Folder, parts: Option<&[&OsStr]>, name: &OsStr, is_dir: bool) -> bool {
    let hidden = name.as_bytes().first() == Some(&b'.');
    let (Some(rules), Some(parts)) = (folder.rules.as_deref(), parts) else {
        return hidden;
    };
    let (mut by_ignore, mut by_gitignore, mut by_exclude) = (Match::None, Match::None, Match::None);
    let mut at = Some(rules);
    while let Some(level) = at {
        // Each file's patterns are relative to the folder holding it.
        let mut path: PathBuf = parts
            .get(level.depth..)
            .unwrap_or_default()
            .iter()
            .collect();
        path.push(name);
        if by_ignore.is_none() {
            by_ignore = level.ignore.matched(&path, is_dir).map(|_| ());
        }
        if by_gitignore.is_none() {
            by_gitignore = level.gitignore.matched(&path, is_dir).map(|_| ());
        }
        if by_exclude.is_none() {
            by_exclude = level.exclude.matched(&path, is_dir).map(|_| ());
        }
        at = level.parent.as_deref();
    }
    match by_ignore.or(by_gitignore).or(by_exclude) {
        Match::Ignore(()) => true,
        Match::Whitelist(()) => false,
        Match::None => hidden,
    }
}

/// The patterns of one ignore file. Its root is `/` so that the relative paths given to it
/// are never shortened by a folder of the same name; lines it cannot read are passed over.
fn gitignore(file: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new("/");
    let _unreadable_lines = builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// The git folder of the repository whose work tree is `dir` (which holds `.git`): `.git`
/// itself, or for a linked work tree the common folder its `.git` file leads to.
fn git_dir(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let meta = std::fs::metadata(&dot_git).ok()?;
    if !meta.is_file() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let real = PathBuf::from(text.lines().next()?.strip_prefix("gitdir: ")?);
    let common = std::fs::read_to_string(real.join("commondir")).ok()?;
    let common = common.lines().next()?;
    Some(if common.starts_with('.') {
        real.join(common)
    } else {
        PathBuf::from(common)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the walk by paths (the `ignore` crate's walker, as discovery used it before)
    /// finds in `root`: files, symlinks and errors, sorted.
    fn by_paths(root: &Path) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<String>) {
        let (mut files, mut links, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        for entry in ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .ignore(true)
            .parents(false)
            .follow_links(false)
            .build()
        {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    errors.push(err.to_string());
                    continue;
                }
            };
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            if entry.depth() > 0 && entry.path_is_symlink() {
                links.push(rel);
            } else if entry.file_type().is_some_and(|t| t.is_file()) {
                files.push(rel);
            }
        }
        files.sort();
        links.sort();
        errors.sort();
        (files, links, errors)
    }

    fn by_handles(
        root: &Path,
        threads: usize,
        hold: usize,
    ) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<String>) {
        let (mut files, mut links, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        for found in walk_holding(root, threads, hold) {
            match found {
                Found::File(p) => files.push(p),
                Found::Symlink(p) => links.push(p),
                Found::Error(e) => errors.push(e),
            }
        }
        files.sort();
        links.sort();
        errors.sort();
        (files, links, errors)
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn ignore_files_apply_as_in_the_walk_by_paths() {
        let dir = tempfile::tempdir().unwrap();
        // The root's own name again below it: patterns must not be read against it.
        let root = dir.path().join("vault");
        for rel in [
            "A.md",
            "build/out.md",
            "Sub/build/kept.md",
            "Sub/keep.log",
            "Sub/drop.log",
            "Sub/Deeper/x.tmp",
            "Sub/Deeper/y.md",
            "vault/vault/z.md",
            "vault/only-here.md",
            "Notes/.hidden.md",
            "Notes/.shown.md",
            ".obsidian/app.md",
            ".trash/t.md",
            "Private/p.md",
            "Private/Public/q.md",
            "Anchored/a.md",
            "Other/Anchored/a.md",
            "Excluded/e.md",
            "Both/b.md",
            "Ign/i.md",
        ] {
            write(&root, rel, "x");
        }
        write(
            &root,
            ".gitignore",
            "/build/\n*.tmp\n/Anchored\nPrivate/\nBoth/\n",
        );
        write(&root, "Sub/.gitignore", "*.log\n!keep.log\n");
        write(&root, "Notes/.gitignore", "!.shown.md\n");
        write(&root, "vault/.gitignore", "vault/z.md\n");
        // `.ignore` decides before `.gitignore`: `Both/` is let in again.
        write(&root, ".ignore", "!Both/\nIgn/\n");
        write(&root, ".git/info/exclude", "Excluded/\n");
        write(&root, ".git/HEAD", "ref: refs/heads/main\n");
        let want = by_paths(&root);
        assert!(want.0.contains(&PathBuf::from("Sub/keep.log")), "{want:?}");
        assert!(want.0.contains(&PathBuf::from("Both/b.md")), "{want:?}");
        assert!(
            !want.0.contains(&PathBuf::from("Excluded/e.md")),
            "{want:?}"
        );
        for threads in [1, 2, 4] {
            assert_eq!(by_handles(&root, threads, HELD), want, "{threads} threads");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_unreadable_folders_as_in_the_walk_by_paths() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "A.md", "x");
        write(root, "Locked/secret.md", "x");
        std::fs::create_dir(root.join("Sub")).unwrap();
        symlink(root, root.join("Sub/Loop")).unwrap();
        symlink(root.join("A.md"), root.join("Link.md")).unwrap();
        symlink(root.join("nowhere"), root.join(".hidden-link")).unwrap();
        std::fs::set_permissions(root.join("Locked"), std::fs::Permissions::from_mode(0o000))
            .unwrap();
        let want = by_paths(root);
        let got = by_handles(root, 2, HELD);
        std::fs::set_permissions(root.join("Locked"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        assert_eq!(got, want);
        assert_eq!(got.1, [PathBuf::from("Link.md"), PathBuf::from("Sub/Loop")]);
    }

    #[test]
    fn deep_and_wide_folders_past_the_handles_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // A chain with a side folder and a file at every level, walked keeping few handles
        // (or none), so that most folders are opened by their whole path.
        let mut rel = PathBuf::new();
        for depth in 0..200 {
            rel.push("d");
            let side = rel.join("side");
            std::fs::create_dir_all(root.join(&side)).unwrap();
            std::fs::write(root.join(&side).join(format!("{depth}.md")), "x").unwrap();
        }
        std::fs::write(root.join(&rel).join("bottom.md"), "x").unwrap();
        write(root, ".gitignore", "7.md\n");
        let want = by_paths(root);
        assert_eq!(want.0.len(), 200);
        for (threads, hold) in [(1, HELD), (3, HELD), (1, 2), (2, 0)] {
            assert_eq!(
                by_handles(root, threads, hold),
                want,
                "{threads} threads, {hold} held"
            );
        }
    }
}
