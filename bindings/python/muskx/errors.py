"""errors.py -- the exceptions raised by muskx.

Every failure of the C library becomes an exception. All of them derive
from MuskxError, which carries

    .status   the status name from muskx_status_name(), e.g. "EMODEL"
    .code     the numeric muskx_status (for logging only; compare names)
    .message  the library's sentence, e.g. "undefined name 'RANKLL' ..."

The hierarchy, chosen so that ordinary Python idioms keep working:

    MuskxError(Exception)
    +-- ModelError              a model failed to load (ESYNTAX, EMODEL,
    |   |                       ELIMIT, ...): .file, .line, .column
    |   +-- ModelFileError      ... because the file cannot be read (EIO);
    |                           also an OSError
    +-- NameNotFoundError       an unknown parameter/species/input/column
    |                           name (ENOTFOUND); also a KeyError, so
    |                           `except KeyError` catches it
    +-- InvalidArgumentError    a bad value: non-finite number, bad times,
    |                           tolerances <= 0 (EINVAL); also a ValueError
    +-- SolverError             the ODE solver failed (ESOLVER, ENONFINITE):
    |                           .time, and .result holding the rows computed
    |                           before the failure
    +-- ConvergenceError        a steady state was not found (ENOTCONV):
                                .values (best point), .residual

Status names are never hard-coded as numbers: the mapping below is keyed
by the names the library itself reports.
"""

__all__ = ["MuskxError", "ModelError", "ModelFileError",
           "NameNotFoundError", "InvalidArgumentError", "SolverError",
           "ConvergenceError"]


class MuskxError(Exception):
    """Base class of every error reported by libmuskx.

    Attributes: status (a name such as "EMODEL"), code (its number),
    message (the library's message, without location).
    """

    def __init__(self, message, status="", code=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self):
        return self.message


class ModelError(MuskxError):
    """A model could not be loaded: a syntax error or a broken rule.

    Attributes: file, line, column (1-based; line and column are 0 when
    the error has no source position), message, status. str(error) is the
    conventional "file:line:col: message".
    """

    def __init__(self, message, status="", code=None, file="", line=0,
                 column=0, formatted=None):
        super().__init__(message, status, code)
        self.file = file
        self.line = line
        self.column = column
        self.formatted = formatted or (
            "%s:%d:%d: %s" % (file, line, column, message) if line
            else "%s: %s" % (file, message))

    def __str__(self):
        return self.formatted


class ModelFileError(ModelError, OSError):
    """The model file could not be read (status EIO); also an OSError."""


class NameNotFoundError(MuskxError, KeyError):
    """No parameter, species, input or column has this name (ENOTFOUND).

    Also a KeyError, like a missing key in a dict. Attribute: name.
    """

    def __init__(self, message, status="ENOTFOUND", code=None, name=None):
        super().__init__(message, status, code)
        self.name = name

    def __str__(self):  # KeyError would repr() the message
        return self.message


class InvalidArgumentError(MuskxError, ValueError):
    """A value was rejected (EINVAL): non-finite, bad times, bad tolerance.

    Also a ValueError.
    """


class SolverError(MuskxError):
    """The ODE solver failed during a run (ESOLVER or ENONFINITE).

    Attributes: time (the time of the failure, or nan), result (a Result
    holding the rows computed before the failure; len(result) may be 0).
    """

    def __init__(self, message, status="", code=None, time=float("nan"),
                 result=None):
        super().__init__(message, status, code)
        self.time = time
        self.result = result


class ConvergenceError(MuskxError):
    """A steady state was not found (ENOTCONV).

    Attributes: values (dict species -> best point found), residual.
    """

    def __init__(self, message, status="ENOTCONV", code=None, values=None,
                 residual=float("nan")):
        super().__init__(message, status, code)
        self.values = values or {}
        self.residual = residual


# Status name -> class for calls on a simulation. Load errors are always
# ModelError (ModelFileError for EIO); see model.py.
_BY_STATUS = {
    "ENOTFOUND": NameNotFoundError,
    "EINVAL": InvalidArgumentError,
    "ESOLVER": SolverError,
    "ENONFINITE": SolverError,
    "ENOTCONV": ConvergenceError,
}


def error_class(status_name):
    """The exception class for a status name (MuskxError by default)."""
    return _BY_STATUS.get(status_name, MuskxError)


def status_error(status_name, message, code=None, name=None, **extra):
    """The exception for a failed call: error_class(status_name) with
    message; a NameNotFoundError carries name (the unknown name the
    caller gave; a callable is called here, so that the callers' search
    for it runs only when a call failed), the other classes take extra
    (time=, result=, ...)."""
    cls = error_class(status_name)
    if cls is NameNotFoundError:
        return cls(message, status=status_name, code=code,
                   name=name() if callable(name) else name)
    return cls(message, status=status_name, code=code, **extra)
