"""The folders a load may read (muskx(3), File access; issue 16).

A load reads its top file and the files it names (imports, a scenario's
model) only inside the top file's folder and the allowed folders: those of
the allow_path argument and of the MUSKX_ALLOW_PATH environment variable
(colon-separated, as the muskx command reads it), and, as for the muskx
command, the current directory (never "/"), unless MUSKX_STRICT_PATHS=1:
a service loading untrusted files sets it, or runs in an empty folder.
"""
import contextlib
import ctypes
import os

from . import _lib
from ._lib import lib


def _folders(allow_path):
    if allow_path is None:
        given = []
    elif isinstance(allow_path, (str, bytes, os.PathLike)):
        given = [allow_path]
    else:
        given = list(allow_path)
    env = os.environ.get("MUSKX_ALLOW_PATH", "")
    folders = given + [d for d in env.split(":") if d]
    if os.environ.get("MUSKX_STRICT_PATHS", "") in ("", "0"):
        try:
            cwd = os.getcwd()
        except OSError:  # the folder was removed: allow less, not fail
            cwd = "/"
        if cwd != "/":
            folders.append(cwd)
    return folders


@contextlib.contextmanager
def access(allow_path=None):
    """A muskx_access handle allowing allow_path (a path or a list of
    paths) and MUSKX_ALLOW_PATH, freed on exit. Raises ModelFileError
    (an OSError) for a folder that does not exist."""
    from .model import _load_error
    handle = lib.muskx_access_new()
    if not handle:
        raise MemoryError("muskx_access_new")
    try:
        for d in _folders(allow_path):
            err = _lib.Error()
            if lib.muskx_access_allow(handle, os.fsencode(d),
                                      ctypes.byref(err)) != _lib.OK:
                raise _load_error(err)
        yield handle
    finally:
        lib.muskx_access_free(handle)
