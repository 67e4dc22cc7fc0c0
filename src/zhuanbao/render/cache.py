"""Compiled templates kept between runs, so a fresh ``zhuanbao build`` does not
compile the same six templates again (about 12 ms of a ~180 ms cold build).

Jinja's own bytecode cache does the work: entries are keyed by the template's
path and checked against a checksum of its source, so an edited template is
never served stale, and on POSIX it lives in a per-user directory that Jinja
creates with mode 0700 and checks for ownership. What this module adds is
that the cache is optional: a read-only or full temp directory, a file another
process is replacing, a truncated entry — any of these means "compile
normally", never a failed build.
"""

from __future__ import annotations

from .. import __version__

# Compiled code depends on the environment's options (autoescape, trim_blocks,
# the sandbox) as well as the source; the version in the name keeps entries of
# an older zhuanbao, which may have used other options, from being loaded.
PATTERN = f"__zhuanbao-{__version__}_%s.cache"


def bytecode_cache(directory: str | None = None):
    """A Jinja bytecode cache that never fails a build, or None if there is no safe place for one."""
    from jinja2 import FileSystemBytecodeCache

    class _Optional(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a torn or foreign file: compile instead
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # read-only, full or vanished directory
                pass

    try:
        return _Optional(directory, PATTERN)
    except (OSError, RuntimeError):  # Jinja found no private temp directory
        return None
