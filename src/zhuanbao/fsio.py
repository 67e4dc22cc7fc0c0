"""Writing files the way a shared office folder needs: whole or not at all, one writer at a time.

Every stage that writes (documents, PDFs, fixed items, new issues, archive
versions, statistics exports) goes through these, so a build killed half-way,
a full disk or two runs at once never leave half a file, and what is written
gets the permissions colleagues on a shared server expect.
"""

from __future__ import annotations

import functools
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .diagnostics import BusyError, HeldOpenError, OutputError, os_reason

#: Windows refuses to replace or write a file another program holds open (Word,
#: WPS); POSIX does not. A module constant, so tests can play Windows.
WINDOWS = os.name == "nt"
_SHARING_VIOLATIONS = (5, 32, 33)  # ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def _held(path: Path, note: str = "本次没有替换任何文件。") -> HeldOpenError:
    if path.suffix.lower() in (".docx", ".doc", ".wps"):
        return HeldOpenError("这份文档正在 Word 或 WPS 中打开，无法替换", path,
                             hint=f"请先在 Word/WPS 中关闭它，再重新生成；{note}")  # fmt: skip
    return HeldOpenError("这个文件正被其他程序（PDF 阅读器、Excel 等）打开，无法替换", path,
                         hint=f"请先关闭打开它的程序，再重新运行；{note}")  # fmt: skip

LOCK_FILE = ".zhuanbao.lock"

# Characters no file name may hold on Windows (and "/" nowhere): shown as
# their full-width forms, so "工作/专报" stays readable as 工作／专报.
_UNSAFE_IN_NAMES = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in '\\/:*?"<>|'})


def safe_name(text: str) -> str:
    """User text (a series title, a section, a title) made fit for a file name:
    it must not steer a file out of its folder ("../") or into a subfolder ("工作/专报")."""
    return "".join(c for c in text.translate(_UNSAFE_IN_NAMES) if c.isprintable()).strip().lstrip(".")


_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}


def windows_device(name: str) -> bool:
    """A name Windows keeps for a device (CON, nul.txt, COM1…): a folder cannot be made under it there."""
    return name.split(".")[0].strip().upper() in _WINDOWS_DEVICES


@functools.cache
def umask() -> int:
    """The process's umask, read once and without setting it (``os.umask`` can
    only be read by changing it, a race once a server has threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    import tempfile

    try:  # elsewhere: what mkdir with mode 0777 actually gives
        probe = tempfile.mkdtemp(prefix=".zhuanbao-umask-")
        try:
            os.rmdir(probe)
            os.mkdir(probe, 0o777)
            return 0o777 & ~os.stat(probe).st_mode
        finally:
            os.rmdir(probe)
    except OSError:
        return 0o022


def usual_mode(folder: Path) -> None:
    """Give a folder made by mkdtemp (private, 0700) the mode a plain mkdir
    would: folders renamed into place — a new issue, a published version — are
    shared with colleagues, the web server and the monthly job's account."""
    folder.chmod(0o777 & ~umask())


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename.

    A run killed half-way, or a full disk, leaves the previous file intact.
    """
    tmp = _write_temporary(path, data)
    try:
        os.replace(tmp, path)
    except PermissionError as exc:
        tmp.unlink(missing_ok=True)
        if held_open(exc):
            raise _held(path) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def held_open(exc: OSError) -> bool:
    """Whether an OS error means another program holds the file open."""
    return isinstance(exc, PermissionError) and (
        getattr(exc, "winerror", None) in _SHARING_VIOLATIONS or (WINDOWS and exc.errno == 13)
    )


def read_only(path: Path) -> bool:
    """A file marked read-only (Windows' attribute, or no write permission at all)."""
    import stat

    try:
        info = path.stat()
    except OSError:
        return False
    attributes = getattr(info, "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_READONLY", 1)) or not info.st_mode & 0o222


def refuse_held_open(paths: list[Path]) -> None:
    """Refuse, before anything is replaced, documents open in Word or WPS.

    Word and WPS open a document denying others the right to write it, so an
    attempt to open it for writing (which changes nothing) fails exactly when
    replacing it would. Every such document is named at once: the editor
    closes them all, then builds once more.
    """
    if not WINDOWS:
        return
    held: list[OutputError] = []
    for path in paths:
        try:
            os.close(os.open(path, os.O_RDWR))
        except FileNotFoundError:
            pass
        except OSError as exc:
            if read_only(path):  # the same errno 13 on Windows: a document copied out of the archive, say
                held.append(OutputError("这份文件设成了只读，无法替换", path,
                                        hint="在文件上点右键 →“属性”，取消“只读”后再生成；本次没有替换任何文件。"))  # fmt: skip
            elif held_open(exc):
                held.append(_held(path))
    if held:
        from .diagnostics import raise_all

        raise_all(held)


class FileChanged(Exception):
    """The file is no longer the one that was read: someone saved it meanwhile."""


def replace_if_unchanged(path: Path, data: bytes, expected: bytes) -> None:
    """Like :func:`write_atomic`, but only over the exact bytes ``expected``.

    A fix computed from what was read must not replace what an editor saved
    since: the content is compared just before the rename (the window left is
    the rename itself), and :class:`FileChanged` raised instead of writing.
    """
    tmp = _write_temporary(path, data)
    try:
        if path.read_bytes() != expected:
            raise FileChanged(path)
        os.replace(tmp, path)
    except PermissionError as exc:
        if held_open(exc):  # as write_atomic says it: which file, and which program to close
            raise _held(path) from None
        raise
    finally:
        tmp.unlink(missing_ok=True)


_OWN_LINK = {"follow_symlinks": False} if os.link in os.supports_follow_symlinks else {}


def move_without_replacing(source: Path, target: Path) -> bool:
    """Move ``source`` to ``target`` (same file system) unless a file has that name: False then, and
    ``source`` is where it was.

    ``os.rename`` would replace a file of that name on Linux and macOS. The file is first renamed to a
    name of ours beside the target (taking whatever ``source`` holds at that instant, so a save a moment
    earlier goes with it, and a save after it cannot be deleted by us), then given the target's name
    with a hard link, which fails rather than replace.
    """
    if os.path.lexists(target):
        return False
    staging = target.with_name(f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.moving")
    os.rename(source, staging)
    if take_name(staging, target):
        return True
    take_name(staging, source)  # put back; should a new file have appeared there meanwhile, ours stays staged
    return False


def take_name(ours: Path, name: Path) -> bool:
    """Give the file ``ours`` (a name only we use) the name ``name``, if no file has it. A link stays a link
    (a hard link is made to the link itself, not to the file it points to)."""
    try:
        os.link(ours, name, **_OWN_LINK)
    except FileExistsError:
        return False
    except OSError:  # no hard links (FAT, some network shares): the rename refuses on Windows, is checked elsewhere
        if os.path.lexists(name):
            return False
        try:
            os.rename(ours, name)
        except FileExistsError:
            return False
        return True
    os.unlink(ours)
    return True


def write_all_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write several files so that either all are replaced or none is.

    Every file is first written in full beside its target; only then are they
    renamed into place. A full disk or an unwritable folder half-way through a
    series leaves every earlier document as it was.
    """
    refuse_blocked([path for path, _ in files])
    refuse_held_open([path for path, _ in files])
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            try:
                written.append((_write_temporary(path, data), path))
            except OSError as exc:
                raise OutputError(f"无法写入：{os_reason(exc)}", path) from None
        for done, (tmp, path) in enumerate(written):
            try:
                os.replace(tmp, path)
            except PermissionError as exc:
                if not held_open(exc):
                    raise
                # opened in Word after the check above: say what is new and what is not
                note = f"已更新 {done} 份，其余 {len(written) - done} 份没有更新。" if done else "本次没有替换任何文件。"
                raise _held(path, note) from None
    finally:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)


# What _write_temporary names a file while it is written: ".{stem}." + mkstemp's
# eight characters + ".tmp". A run killed before its rename leaves one behind.
_TEMPORARY_SUFFIX_LENGTH = len(".abcdefgh.tmp")
LEFTOVER_AGE = 60.0  # seconds: a temporary file younger than this may still be being written


def remove_leftovers(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the temporary files a killed run of ours left in ``folder``.

    Called under the folder's lock, so no build of ours is writing there; a
    file is only taken for a leftover by its exact shape and an age no live
    write has, and an editor's own files never have that shape.
    """
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp") and len(name) > _TEMPORARY_SUFFIX_LENGTH + 1):
            continue
        tail = name[-_TEMPORARY_SUFFIX_LENGTH:]
        if tail[0] != "." or not all(c.islower() or c.isdigit() or c == "_" for c in tail[1:9]) or not tail[1:9].isascii():
            continue
        try:
            if entry.is_file(follow_symlinks=False) and now - entry.stat(follow_symlinks=False).st_mtime > LEFTOVER_AGE:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # another account's, or gone already: not ours to insist on
    return removed


def refuse_blocked(paths: list[Path]) -> None:
    """Refuse, before anything is written, a target a folder of that name blocks."""
    for path in paths:
        if path.exists() and not path.is_file():
            raise OutputError("无法写入：同名的文件夹或特殊文件已存在", path)


def _write_temporary(path: Path, data: bytes) -> Path:
    import tempfile  # not at start-up: check and the loaders import this module, and never write

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        # mkstemp makes the file private (0600); a document replaces its
        # predecessor with the same permissions, or gets the user's umask
        # defaults, so colleagues on a shared server can still open it.
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~umask()


BUILD_BUSY_HINT = "等它完成后再运行，或用 --wait 秒数 让本次排队等待。"


@contextmanager
def locked(folder: Path, wait: float = 0.0, hint: str = BUILD_BUSY_HINT):
    """Hold ``folder``'s lock: two runs never write the same folder at once.
    Raises :class:`BusyError` when another holds it for longer than ``wait`` seconds.

    filelock locks the file with the platform's own primitive (flock on Linux
    and macOS, LockFileEx on Windows), so exit 75 and ``--wait`` mean the same
    everywhere; where there is none, its soft lock (a marker file) stands in.
    On a shared server the lock file may belong to the monthly job's account:
    both primitives work on a read-only handle, so it is opened read-only then.
    """
    import errno

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法写入：{os_reason(exc)}", folder) from None
    fd = _open_lock(folder / LOCK_FILE)
    try:
        from filelock import lock_descriptor, unlock_descriptor  # only a run that writes pays for it

        deadline = time.monotonic() + wait
        try:
            while not lock_descriptor(fd, blocking=False):
                if time.monotonic() >= deadline:
                    raise _busy(folder, hint)
                time.sleep(0.2)
        except OSError as exc:
            if exc.errno != errno.ENOSYS:
                raise OutputError(f"无法加锁：{os_reason(exc)}", folder / LOCK_FILE) from None
            with _soft_locked(folder, wait, hint):  # no native locks on this system
                yield
            return
        try:
            yield
        finally:
            unlock_descriptor(fd)
    finally:
        os.close(fd)


def _busy(folder: Path, hint: str) -> BusyError:
    return BusyError("另一个生成任务正在写这个输出文件夹，本次没有写入任何文件", folder, hint=hint)


@contextmanager
def _soft_locked(folder: Path, wait: float, hint: str):
    from filelock import SoftFileLock, Timeout

    import warnings

    lock = SoftFileLock(str(folder / (LOCK_FILE + ".soft")))
    try:
        with warnings.catch_warnings():  # "only soft file lock is available": true, and said here in Chinese terms
            warnings.simplefilter("ignore")
            lock.acquire(timeout=max(wait, 0.0), poll_interval=0.2)
    except Timeout:
        raise _busy(folder, hint) from None
    try:
        yield
    finally:
        lock.release()


def _open_lock(path: Path) -> int:
    """The lock file's descriptor. In a folder shared by several accounts it may
    belong to another one: locking needs no write access, so it is opened for
    reading then."""
    import stat

    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            raise OutputError(f"无法写入：{os_reason(exc)}", path.parent) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder of that name
            os.close(fd)
            raise OutputError(f"无法写入：{os_reason(exc)}", path.parent) from None
        return fd
