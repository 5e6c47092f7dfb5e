"""model.py -- Model (a loaded, compiled, immutable model) and its runs.

A Model owns one C muskx_model handle. The handle is immutable and shared:
every simulate() / steady_state() call creates its own muskx_sim, applies
the call's settings to it, runs, copies nothing it does not have to, and
frees it before returning. So a Model may be used from any number of
threads at once, and calls never influence each other.

The handle is freed by Model.close(), by leaving a `with` block, or by the
garbage collector (weakref.finalize). close() while other threads are
still simulating is safe: the handle is freed when the last run finishes.
"""

import ctypes
import math
import operator
import os
import threading
import weakref

from . import _lib
from ._lib import lib, text, encode, status_name, c_double_p
from ._access import access
from .errors import (MuskxError, ModelError, ModelFileError,
                     NameNotFoundError, InvalidArgumentError, SolverError,
                     ConvergenceError, error_class, status_error)
from .result import Result, numpy, new_buffer, from_sequence
from ._calls import time_arguments, MAX_ROWS, _num

__all__ = ["Model", "SteadyState", "load", "loads", "sbml_to_yaml"]

_FORMAT_MAX = 2048


def _ptr(buf):
    """A double * to the start of a numpy array or array('d') (no copy)."""
    if numpy is not None and isinstance(buf, numpy.ndarray):
        return buf.ctypes.data_as(c_double_p)
    if len(buf) == 0:
        return None
    return ctypes.cast((ctypes.c_double * len(buf)).from_buffer(buf),
                       c_double_p)


def _load_error(err):
    """The ModelError for a filled muskx_error."""
    buf = ctypes.create_string_buffer(_FORMAT_MAX)
    lib.muskx_error_format(ctypes.byref(err), buf, _FORMAT_MAX)
    name = status_name(err.status)
    cls = ModelFileError if name == "EIO" else ModelError
    return cls(text(err.message) or _lib.strerror(err.status), status=name,
               code=err.status, file=text(err.file), line=err.line,
               column=err.column, formatted=text(buf.value))


def _open(call, allow_path, *args):
    """The handle call(*args, access, &handle, &err) makes -- the shape of
    every muskx_*_load_*_with() -- with allow_path's folders readable;
    raises the ModelError of a refusal."""
    handle = ctypes.c_void_p()
    err = _lib.Error()
    with access(allow_path) as acc:
        status = call(*args, acc, ctypes.byref(handle), ctypes.byref(err))
    if status != _lib.OK:
        raise _load_error(err)
    return handle


def sbml_to_yaml(path, l2_initial_trigger=None):
    """Translates the SBML file at path into muskx model YAML; returns str.

    l2_initial_trigger: how SBML Level 1-2 events read a trigger that is
    already true at t0 (Level 1-2 do not say): None, the default reading
    (it does not fire; the model warns of each such event, Model.warnings),
    False (it was false just before t0: it fires at the start) or True
    (the default reading, chosen: no warning). muskx_sbml_to_yaml_opt(3);
    `muskx import --l2-initial-trigger false|true`.
    """
    choice = -1 if l2_initial_trigger is None else int(bool(l2_initial_trigger))
    out = ctypes.c_void_p()
    err = _lib.Error()
    status = lib.muskx_sbml_to_yaml_opt(os.fsencode(path), choice,
                                        ctypes.byref(out), ctypes.byref(err))
    if status != _lib.OK:
        raise _load_error(err)
    try:
        return ctypes.string_at(out.value).decode("utf-8")
    finally:
        lib.muskx_free_string(out)


def load(path, allow_path=None, l2_initial_trigger=None):
    """Loads, validates and compiles a model file; returns a Model.

    path: a str or os.PathLike naming a YAML model (see muskx-model(5))
    or an SBML file; or the name of a shipped model ("spaceflight",
    "komarova2003"; muskx._data says where names are looked up).
    allow_path: a folder, or a list of folders, that its imports may come
    from besides its own folder (also MUSKX_ALLOW_PATH; muskx(3), File
    access).
    l2_initial_trigger: for an SBML Level 1-2 file, the reading of event
    triggers already true at t0 (see sbml_to_yaml(); None: the default).

    Raises ModelError (with .file, .line, .column) for a syntax error or
    a broken rule of the format, ModelFileError (a ModelError and an
    OSError) when the file cannot be read.

        >>> m = muskx.load("tests/models/decay.yaml")
        >>> with muskx.load("models/crosstalk/spaceflight.yaml",
        ...                 allow_path="models") as m:
        ...     r = m.simulate(t_end=365, dt=1, inputs={"loading": 0})
    """
    if l2_initial_trigger is not None:
        from . import _data
        found, root = _data.find(path, "model")
        if found is not None:
            path, allow_path = found, _data.with_root(allow_path, root)
        return loads(sbml_to_yaml(path, l2_initial_trigger),
                     name=os.fsdecode(path), allow_path=allow_path)
    return Model(_load_handle(path, allow_path))


def _load_handle(path, allow_path=None):
    """The C handle of the model file at path (or a shipped model's
    name), as load() opens it."""
    from . import _data
    found, root = _data.find(path, "model")
    if found is not None:   # a shipped model by name: load("spaceflight")
        path, allow_path = found, _data.with_root(allow_path, root)
    return _open(lib.muskx_model_load_file_with, allow_path,
                 os.fsencode(path))


def _handle_ptr(handle, cls, how, internal=False):
    """The C pointer a constructor was given: the ctypes.c_void_p of a
    loader (or, internal, an int address the library returned). Anything
    else (a name, a number) would be read as an address by ctypes and
    crash the interpreter: TypeError, naming the loader to use (how)."""
    if isinstance(handle, ctypes.c_void_p):
        ptr = handle.value
    elif internal and isinstance(handle, int):
        ptr = handle
    else:
        raise TypeError("muskx.%s() takes a path (str or os.PathLike); "
                        "got %s: use %s" % (cls, type(handle).__name__, how))
    if not ptr:
        raise TypeError("muskx.%s(): a null handle; use %s" % (cls, how))
    return ptr


def loads(text_, name=None, allow_path=None):
    """Loads a model from YAML text (str or bytes); returns a Model.

    name: the source name used in error messages (default "<string>").
    Relative imports resolve against the current directory, inside it or
    allow_path (as for load()). Raises ModelError like load().

        >>> m = muskx.loads('''
        ... muskx: 1
        ... model: {id: decay}
        ... parameters: {k: 0.7}
        ... species: {A: 1.5}
        ... odes: {A: -k*A}
        ... ''')
    """
    data = text_.encode("utf-8") if isinstance(text_, str) else bytes(text_)
    if _looks_like_sbml(data):
        return _loads_sbml(data, name, allow_path)
    return Model(_open(lib.muskx_model_load_string_with, allow_path, data,
                       len(data), encode(name) if name is not None else None))


def _looks_like_sbml(data):
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") or head.startswith(b"<sbml")


def _loads_sbml(data, name, allow_path):
    """SBML text: through a temporary .xml file, the SBML reader's input."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="muskx-sbml-") as tmp:
        path = os.path.join(tmp, "model.xml")
        with open(path, "wb") as f:
            f.write(data)
        try:
            return load(path, allow_path=allow_path)
        except ModelError as exc:
            if name is not None:
                exc.file = name
            raise


def _time_grid(t_end, dt, times, t_start):
    """The output times of simulate(): from t_end/dt/t_start or times."""
    if times is None:
        if t_end is None:
            raise TypeError("simulate() needs t_end (and optionally dt, "
                            "t_start) or times")
        t0 = _num(t_start, "t_start")
        t1 = _num(t_end, "t_end")
        if not t1 >= t0:
            raise InvalidArgumentError(
                "t_end (%g) must not be before t_start (%g)" % (t1, t0),
                status="EINVAL")
        step = (t1 - t0) / 100.0 if dt is None else _number(dt, "dt")
        if t1 == t0:
            grid = [t0]
        else:
            if not (step > 0 and math.isfinite(step)):
                raise InvalidArgumentError("dt must be > 0, not %r" % dt,
                                           status="EINVAL")
            rows = (t1 - t0) / step + 1
            if rows > MAX_ROWS:
                # the list alone would take minutes and gigabytes (the CLI
                # refuses the same)
                raise InvalidArgumentError(
                    "dt %g gives %.3g rows; at most %d are allowed (use a "
                    "larger dt or times)" % (step, rows, MAX_ROWS),
                    status="EINVAL")
            n = int(math.floor((t1 - t0) / step + 1e-9))
            grid = [t0 + i * step for i in range(n + 1)]
            if t1 - grid[-1] > 1e-9 * step:
                grid.append(t1)
            else:
                grid[-1] = t1
        tbuf = from_sequence(grid)
    else:
        if t_end is not None or dt is not None:
            raise TypeError("simulate(): give either times or t_end/dt, "
                            "not both")
        tbuf = from_sequence(times)
        if len(tbuf) == 0:
            raise InvalidArgumentError("times is empty", status="EINVAL")
    return tbuf


class _Handle:
    """The C model handle with a use count, so close() never frees a model
    that a run in another thread is still using."""

    def __init__(self, ptr, free=None, what="model"):
        self.ptr = ptr
        self.free = free or lib.muskx_model_free
        self.what = what  # for the message once closed
        self.lock = threading.Lock()
        self.users = 0
        self.closed = False

    def acquire(self):
        with self.lock:
            if self.closed:
                raise MuskxError("the %s is closed" % self.what, status="ESTATE")
            self.users += 1
            return self.ptr

    def release(self):
        with self.lock:
            self.users -= 1
            if self.closed and self.users == 0:
                self._free()

    def close(self):
        with self.lock:
            if self.closed:
                return
            self.closed = True
            if self.users == 0:
                self._free()

    def _free(self):
        if self.ptr:
            self.free(self.ptr)
            self.ptr = None


class _Sim:
    """One muskx_sim for one call: created on entry, freed on exit."""

    def __init__(self, model):
        self.model = model
        self.ptr = None

    def __enter__(self):
        mptr = self.model._h.acquire()
        out = ctypes.c_void_p()
        try:
            status = lib.muskx_sim_create(mptr, ctypes.byref(out))
            if status != _lib.OK:
                raise error_class(status_name(status))(
                    "cannot create a simulation: %s" % _lib.strerror(status),
                    status=status_name(status), code=status)
        except BaseException:
            self.model._h.release()
            raise
        self.ptr = out
        return self

    def __exit__(self, *exc):
        lib.muskx_sim_free(self.ptr)
        self.ptr = None
        self.model._h.release()
        return False

    def errmsg(self):
        return text(lib.muskx_sim_errmsg(self.ptr))

    def check(self, status, name=None, message=None, **extra):
        """Raises the exception for a failed status, with the message the
        library recorded on the simulation (or message, kept from before
        a later call cleared it)."""
        if status == _lib.OK:
            return
        msg = message or self.errmsg() or _lib.strerror(status)
        raise status_error(status_name(status), msg, status, name, **extra)

    def stats(self):
        out = {}
        for i, key in enumerate(_lib.STATS):
            out[key] = int(lib.muskx_sim_stat(self.ptr, i))
        ls = out.get("linear_solver")
        for key, value in _lib.LINEAR_SOLVER.items():
            if value == ls:
                out["linear_solver"] = key
        return out


def _number(value, what):
    # a string or a bool is a mistake, not a number ({"k": "1e-3"} from an
    # unparsed table, True for 1)
    if isinstance(value, (str, bytes, bool)):
        raise InvalidArgumentError("%s must be a number, not %r"
                                   % (what, value), status="EINVAL")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError("%s must be a number, not %r"
                                   % (what, value), status="EINVAL") from None


def _whole(value, what, minimum, maximum):
    """value as an int in [minimum, maximum]. A float is refused, not
    truncated (count 2.7 gave 2 doses), and so is a value ctypes would
    wrap (count 2**32 + 3 gave 3)."""
    try:
        if isinstance(value, bool):
            raise TypeError
        v = operator.index(value)
    except TypeError:
        raise InvalidArgumentError("%s must be a whole number, not %r"
                                   % (what, value), status="EINVAL") from None
    if not minimum <= v <= maximum:
        raise InvalidArgumentError("%s must be from %d to %d, got %d"
                                   % (what, minimum, maximum, v),
                                   status="EINVAL")
    return v


def _agents(ptr):
    """The model's `agents:` as a dict (see Model)."""
    out = {}
    depot, fparam = ctypes.c_int(), ctypes.c_int()
    fnum, per = ctypes.c_double(), ctypes.c_double()
    for a in range(max(lib.muskx_model_agent_count(ptr), 0)):
        routes = {}
        for r in range(max(lib.muskx_model_agent_route_count(ptr, a), 0)):
            route = text(lib.muskx_model_agent_route(
                ptr, a, r, ctypes.byref(depot), ctypes.byref(fparam),
                ctypes.byref(fnum), ctypes.byref(per)))
            routes[route] = {
                "depot": text(lib.muskx_model_name_at(
                    ptr, _lib.KIND["species"], depot.value)),
                "bioavailability": (
                    text(lib.muskx_model_name_at(
                        ptr, _lib.KIND["parameter"], fparam.value))
                    if fparam.value >= 0 else fnum.value),
                "per_dose_unit": per.value,
            }
        out[text(lib.muskx_model_agent_name(ptr, a))] = {
            "dose_unit": text(lib.muskx_model_agent_dose_unit(ptr, a)),
            "routes": routes,
        }
    return out


class Model:
    """A loaded and compiled model (immutable, thread-safe).

    Create one with muskx.load(path) (or muskx.Model(path, allow_path=...),
    the same) or muskx.loads(text). Attributes
    (read-only):

      id, name, time_unit, source   model.id, model.name, the time unit
                                    and the file it came from
      references                    list of reference strings
      warnings                      list of "file:line:col: warning: ..."
                                    (e.g. an event condition that can
                                    never turn true; `muskx check`)
      species, parameters, inputs,  lists of names, in file order
      outputs, compartments,
      reactions, assignments, events
      parameter_values              dict parameter -> default value
      initial_values                dict species -> default initial value
      input_values                  dict input -> default (first table value)
      columns                       result columns: species then outputs
      agents                        the drugs the model knows by name
                                    (muskx-model(5), agents): dict agent
                                    -> {"dose_unit", "routes": {route ->
                                    {"depot", "bioavailability" (a
                                    parameter name or a number),
                                    "per_dose_unit"}}}

    Methods: simulate(), steady_state(), describe(name), info(), close().

    A Model frees its C handle on close(), at the end of a `with` block, or
    when garbage-collected. It may be shared by any number of threads:
    every run creates its own simulation state.
    """

    def __init__(self, handle, _borrowed=None, *, allow_path=None):
        # muskx.Model(path) is muskx.load(path); otherwise private: the
        # handle muskx.load() / muskx.loads() opened. _borrowed: a handle
        # object of the owner (a scenario) when the model is not ours.
        if _borrowed is None and isinstance(handle, (str, os.PathLike)):
            handle = _load_handle(handle, allow_path)
        ptr = _handle_ptr(handle, "Model",
                          "muskx.load(path) or muskx.loads(text)",
                          internal=_borrowed is not None)
        if _borrowed is None:
            self._h = _Handle(ptr)
            self._finalizer = weakref.finalize(self, self._h.close)
        else:
            self._h = _borrowed
            self._finalizer = lambda: None   # the owner frees it
        self.id = text(lib.muskx_model_id(ptr))
        self.name = text(lib.muskx_model_name(ptr))
        self.time_unit = text(lib.muskx_model_time_unit(ptr))
        self.source = text(lib.muskx_model_source(ptr))
        self.references = [
            text(lib.muskx_model_reference(ptr, i))
            for i in range(lib.muskx_model_reference_count(ptr))]
        self.warnings = [
            text(lib.muskx_model_warning(ptr, i))
            for i in range(lib.muskx_model_warning_count(ptr))]
        self.agents = _agents(ptr)
        self._names = {}
        self._meta = {}
        for kind, k in _lib.KIND.items():
            n = lib.muskx_model_count(ptr, k)
            names = [text(lib.muskx_model_name_at(ptr, k, i))
                     for i in range(max(n, 0))]
            self._names[kind] = names
            for i, nm in enumerate(names):
                self._meta.setdefault(nm, {
                    "kind": kind,
                    "unit": text(lib.muskx_model_unit(ptr, k, i)),
                    "doc": text(lib.muskx_model_doc(ptr, k, i)),
                    "default": lib.muskx_model_default(ptr, k, i),
                    "index": i,
                })
        self._equations = [
            (text(lib.muskx_model_reaction_equation(ptr, r)),
             text(lib.muskx_model_reaction_rate(ptr, r)))
            for r in range(len(self._names["reaction"]))]
        self._frozen = True

    def __setattr__(self, name, value):
        # A Model is immutable: m.k = 3 must not pass silently.
        if self.__dict__.get("_frozen"):
            if name in self.__dict__.get("_meta", {}):
                raise AttributeError(
                    "a Model is immutable: to change '%s' use sim = "
                    "m.simulator(); sim[%r] = value (or sim.%s = value), or "
                    "m.simulate(..., params={%r: value})"
                    % (name, name, name, name))
            raise AttributeError("a Model is immutable; it has no settable "
                                 "attribute '%s'" % name)
        object.__setattr__(self, name, value)

    # -- names ----------------------------------------------------------------
    # The kinds of name each C check accepts, for Model._unknown(): a
    # scenario's set: and muskx_scenario_run_with() (lib/scenario.c
    # settable())
    SET_KINDS = ("parameter", "species", "input")
    # muskx_sim_set() and an ensemble's vary and samples table
    # (lib/ensemble.c check_settable())
    VARY_KINDS = ("parameter", "compartment", "species", "input")
    # an ensemble's columns (muskx_ensemble_set_columns())
    COLUMN_KINDS = ("species", "output")
    # muskx_sim_select() (lib/sim_columns.c find_column()), besides time and t
    SELECT_KINDS = ("species", "output", "assignment", "reaction",
                    "parameter", "compartment", "input")

    def _unknown(self, names, kinds=None, also=()):
        """The first of names that is none of kinds (default SET_KINDS) and
        not in also, or None: the name a NameNotFoundError of a C check
        carries. kinds must be what that C check accepts (SET_KINDS,
        VARY_KINDS, COLUMN_KINDS, SELECT_KINDS), else a name it accepts
        that comes first is named instead of the one it refused."""
        kinds = self.SET_KINDS if kinds is None else kinds
        for nm in names:
            if nm not in also and not any(nm in self._names[k]
                                          for k in kinds):
                return nm
        return None

    species = property(lambda self: list(self._names["species"]),
                       doc="Species (state variables), in file order.")
    parameters = property(lambda self: list(self._names["parameter"]),
                          doc="Parameter names, in file order.")
    inputs = property(lambda self: list(self._names["input"]),
                      doc="Input (time-varying signal) names.")
    outputs = property(lambda self: list(self._names["output"]),
                       doc="Output (reported expression) names.")
    compartments = property(lambda self: list(self._names["compartment"]),
                            doc="Compartment names.")
    reactions = property(lambda self: list(self._names["reaction"]),
                         doc="Reaction ids.")
    assignments = property(lambda self: list(self._names["assignment"]),
                           doc="Assignment (intermediate quantity) names.")
    events = property(lambda self: list(self._names["event"]),
                      doc="Event ids.")

    @property
    def columns(self):
        """Columns of a Result: species, then outputs."""
        return self._names["species"] + self._names["output"]

    def _defaults(self, kind):
        return {nm: self._meta[nm]["default"] for nm in self._names[kind]}

    @property
    def parameter_values(self):
        """dict parameter -> default value (derived ones evaluated)."""
        return self._defaults("parameter")

    @property
    def initial_values(self):
        """dict species -> default initial value."""
        return self._defaults("species")

    @property
    def input_values(self):
        """dict input -> default value (a table's first value)."""
        return self._defaults("input")

    def describe(self, name):
        """What a name is: dict with kind ("species", "parameter", "input",
        "output", "compartment", "reaction", "assignment", "event"), unit,
        doc and default (nan when the kind has none). For a reaction also
        equation and rate. Raises NameNotFoundError (a KeyError)."""
        try:
            meta = dict(self._meta[name])
        except KeyError:
            raise NameNotFoundError("no name '%s' in model '%s'"
                                    % (name, self.id), name=name) from None
        if meta["kind"] == "reaction":
            meta["equation"], meta["rate"] = self._equations[meta["index"]]
        del meta["index"]
        return meta

    def info(self):
        """A readable summary: identity, sizes and every name with its
        default value, unit and doc (like `muskx info`)."""
        lines = ["model:      %s" % self.id]
        if self.name:
            lines.append("name:       %s" % self.name)
        lines.append("source:     %s" % self.source)
        if self.time_unit:
            lines.append("time unit:  %s" % self.time_unit)
        for i, ref in enumerate(self.references):
            lines.append("%s%s" % ("references: " if i == 0 else " " * 12,
                                   ref))
        plural = {"species": "species", "parameter": "parameters",
                  "input": "inputs", "output": "outputs",
                  "compartment": "compartments", "reaction": "reactions",
                  "assignment": "assignments", "event": "events"}
        lines.append("size:       " + ", ".join(
            "%d %s" % (len(self._names[k]), plural[k]) for k in _lib.KIND))
        for kind in ("species", "parameter", "input", "compartment"):
            names = self._names[kind]
            if not names:
                continue
            lines.append("")
            lines.append("%s (%d)" % (plural[kind], len(names)))
            for nm in names:
                m = self._meta[nm]
                lines.append("  %-14s %-22.16g %-10s %s" % (
                    nm, m["default"], m["unit"], m["doc"]))
        for kind in ("output", "assignment", "event"):
            names = self._names[kind]
            if names:
                lines.append("")
                lines.append("%s (%d): %s" % (plural[kind], len(names),
                                              ", ".join(names)))
        if self._equations:
            lines.append("")
            lines.append("reactions (%d)" % len(self._equations))
            for rid, (eq, rate) in zip(self._names["reaction"],
                                       self._equations):
                lines.append("  %-14s %-24s rate: %s" % (rid, eq, rate))
        return "\n".join(lines)

    def __repr__(self):
        state = " (closed)" if self._h.closed else ""
        return "<muskx.Model %r%s: %d species, %d parameters, %d inputs, " \
            "%d outputs%s>" % (self.id, " %r" % self.name if self.name
                               else "", len(self._names["species"]),
                               len(self._names["parameter"]),
                               len(self._names["input"]),
                               len(self._names["output"]), state)

    # -- lifetime ---------------------------------------------------------------
    def close(self):
        """Frees the C model (idempotent). Later runs raise MuskxError
        (status ESTATE); runs already under way finish first."""
        self._finalizer()

    @property
    def closed(self):
        """True after close()."""
        return self._h.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- runs -------------------------------------------------------------------
    def _apply(self, sim, params, initial, inputs, doses, rtol, atol,
               atol_species, solver, max_steps, max_step):
        for what, arg in (("params", params), ("initial", initial),
                          ("inputs", inputs), ("atol_species", atol_species)):
            if arg is not None and not hasattr(arg, "items"):
                raise TypeError("%s must be a mapping of names to values, "
                                "not %r" % (what, arg))
        for nm, v in (params or {}).items():
            sim.check(lib.muskx_sim_set_param(
                sim.ptr, encode(nm), _number(v, "parameter '%s'" % nm)), nm)
        for nm, v in (initial or {}).items():
            sim.check(lib.muskx_sim_set_initial(
                sim.ptr, encode(nm), _number(v, "initial value of '%s'" % nm)),
                nm)
        for nm, v in (inputs or {}).items():
            if isinstance(v, (tuple, list)):
                self._set_table(sim, nm, v)
            else:
                sim.check(lib.muskx_sim_set_input(
                    sim.ptr, encode(nm), _number(v, "input '%s'" % nm)), nm)
        for dose in doses or ():
            if isinstance(dose, dict):
                d = dict(dose)
                args = (d.pop("species"), d.pop("t0", d.pop("time", 0.0)),
                        d.pop("amount"), d.pop("every", 0.0),
                        d.pop("count", 1))
                if d:
                    raise TypeError("unknown dose keys: %s" % ", ".join(d))
            else:
                if not 3 <= len(dose) <= 5:
                    raise TypeError("a dose is (species, t0, amount[, every"
                                    "[, count]]), not %r" % (dose,))
                args = tuple(dose) + (0.0, 1)[len(dose) - 3:]
            target, t0, amount, every, count = args
            sim.check(lib.muskx_sim_add_dose(
                sim.ptr, encode(target), _number(t0, "dose time"),
                _number(amount, "dose amount"), _number(every, "dose every"),
                _whole(count, "dose count", 1, 2**31 - 1)), target)
        sim.check(lib.muskx_sim_set_tolerances(
            sim.ptr, _number(rtol, "rtol"), _number(atol, "atol")))
        for nm, v in (atol_species or {}).items():
            sim.check(lib.muskx_sim_set_atol_species(
                sim.ptr, encode(nm), _number(v, "atol of '%s'" % nm)), nm)
        try:
            ls = _lib.LINEAR_SOLVER[solver]
        except (KeyError, TypeError):
            raise InvalidArgumentError(
                "solver must be one of %s, not %r"
                % (", ".join(_lib.LINEAR_SOLVER), solver),
                status="EINVAL") from None
        sim.check(lib.muskx_sim_set_linear_solver(sim.ptr, ls))
        if max_steps is not None:
            sim.check(lib.muskx_sim_set_max_steps(
                sim.ptr, _whole(max_steps, "max_steps", 1, 2**63 - 1)))
        if max_step is not None:
            sim.check(lib.muskx_sim_set_max_step(
                sim.ptr, _number(max_step, "max_step")))

    @staticmethod
    def _set_table(sim, nm, spec):
        if len(spec) not in (2, 3):
            raise TypeError("input '%s': a table is (times, values[, "
                            "'step'|'linear']), not %r" % (nm, spec))
        times, values = spec[0], spec[1]
        interp = spec[2] if len(spec) == 3 else "step"
        if interp not in _lib.INTERP:
            raise InvalidArgumentError(
                "input '%s': interpolation must be 'step' or 'linear', not "
                "%r" % (nm, interp), status="EINVAL")
        tbuf = from_sequence(times)
        vbuf = from_sequence(values)
        if len(tbuf) != len(vbuf) or len(tbuf) == 0:
            # Checked here: C trusts the single length n for both arrays.
            raise InvalidArgumentError(
                "input '%s': the table needs as many values as times "
                "(%d times, %d values) and at least one"
                % (nm, len(tbuf), len(vbuf)), status="EINVAL")
        sim.check(lib.muskx_sim_set_input_table(
            sim.ptr, encode(nm), _ptr(tbuf), _ptr(vbuf), len(tbuf),
            _lib.INTERP[interp]), nm)

    def simulate(self, *args, t_end=None, dt=None, times=None, params=None,
                 initial=None, inputs=None, doses=None, rtol=1e-6,
                 atol=1e-9, steady_start=False, solver="auto", t_start=0.0,
                 atol_species=None, max_steps=None, max_step=None,
                 points=None, start=None, end=None, selections=None):
        """Integrates the model and returns a Result.

        Output times, either
          start, end, points
                       roadrunner's form, positional or keywords:
                       simulate(0, 100, 1001) gives 1001 rows from 0 to
                       100 (points defaults to 51); one positional number
                       alone is refused as ambiguous, or
          t_end, dt    t_start, t_start + dt, ... up to and including t_end
                       (dt defaults to (t_end - t_start) / 100), or
          times        any non-decreasing sequence; the run starts at
                       times[0] (t_start is then ignored).
        selections     the columns, any names: species, outputs,
                       assignments, reaction ids (their flux), parameters,
                       compartments, inputs, "time" (default: species then
                       outputs); Result.units gives their units
        Settings (all optional; anything not given keeps the model's default):
          params       dict parameter -> value; derived parameters and
                       initial values written as expressions follow
          initial      dict species -> initial value
          inputs       dict input -> a constant, or a table
                       (times, values) / (times, values, "step"|"linear");
                       "step" (the default) holds each value until the
                       next time; table times become solver stops
          doses        list of (species, t0, amount[, every[, count]]):
                       amount is added to species at t0, then every
                       `every` time units, count firings in all
          rtol, atol   relative and absolute tolerances (> 0)
          atol_species dict species -> absolute tolerance (overrides atol)
          steady_start True: first move to the steady state under these
                       settings, then integrate from there
          solver       linear solver: "auto", "dense", "lapack", "klu" or
                       "spgmr"
          max_steps    max internal steps between outputs (default 100000)
          max_step     largest step the solver may take (default no limit)

        Errors: NameNotFoundError (a KeyError) for an unknown name,
        InvalidArgumentError (a ValueError) for a bad value,
        SolverError when integration fails -- its .result holds the rows
        computed before the failure and .time the failure time;
        ConvergenceError when steady_start finds no steady state.

        Thread-safe: each call uses its own simulation state.

            >>> r = m.simulate(t_end=10, dt=0.5, params={"k": 0.3})
            >>> r.time[-1], r["A"][-1]
        """
        t_end, dt, times, t_start = time_arguments(
            args, t_end, dt, times, t_start, points, start, end)
        tbuf = _time_grid(t_end, dt, times, t_start)
        ntimes = len(tbuf)
        from .simulator import run_columns
        with _Sim(self) as sim:
            self._apply(sim, params, initial, inputs, doses, rtol, atol,
                        atol_species, solver, max_steps, max_step)
            if steady_start:
                status = lib.muskx_sim_steady_state(sim.ptr, None, 0)
                sim.check(status)
            names, units = run_columns(self, sim, selections)
            ncols = lib.muskx_sim_ncols(sim.ptr)
            if numpy is not None:
                data = numpy.zeros((ntimes, ncols), dtype=numpy.float64)
            else:
                data = new_buffer(ntimes * ncols)
            rows = ctypes.c_size_t(0)
            # The GIL is released for this call (ctypes.CDLL).
            status = lib.muskx_sim_run(sim.ptr, _ptr(tbuf), ntimes,
                                       _ptr(data) if ncols else None,
                                       ctypes.byref(rows))
            result = Result(tbuf, data, rows.value, self._names["species"],
                            self._names["output"], sim.stats(),
                            complete=(status == _lib.OK), model_id=self.id,
                            columns=None if selections is None else names,
                            units=units, time_unit=self.time_unit)
            if status != _lib.OK:
                extra = {}
                if error_class(status_name(status)) is SolverError:
                    extra = {"time": lib.muskx_sim_fail_time(sim.ptr),
                             "result": result}
                sim.check(status, **extra)
        return result

    def ensemble(self, *args, vary=None, n=100, seed=1, threads=0,
                 columns=None, start=None, end=None, points=None,
                 t_end=None, dt=None, times=None):
        """Runs a virtual population of n samples in parallel C threads;
        returns a muskx.Ensemble (quantiles, trajectories, plot, pandas).
        vary: dict name -> ("normal", mean, sd) | ("lognormal", median, cv)
        | ("uniform", low, high), as `muskx ensemble --vary`. Times as
        simulate(): (start, end, points), t_end/dt or times. columns: the
        species or outputs to keep (default all)."""
        from .ensemble import run_ensemble
        return run_ensemble(self, vary, n, args, start=start, end=end,
                            points=points, t_end=t_end, dt=dt, times=times,
                            seed=seed, threads=threads, columns=columns)

    def simulator(self, rtol=1e-6, atol=1e-9, solver="auto"):
        """A stateful Simulator of this model (roadrunner's habits):
        sim["k"] = 3, sim.simulate(0, 50, 101), continue, sim.reset().
        See muskx.Simulator."""
        from .simulator import Simulator
        return Simulator(self, rtol=rtol, atol=atol, solver=solver)

    def eval_rhs(self, t, y, params=None, inputs=None):
        """dy/dt at time t and species values y (in Model.species order)
        under the defaults and params/inputs, as a numpy array."""
        from .simulator import eval_rhs
        with _Sim(self) as sim:
            self._apply(sim, params, None, inputs, None, 1e-6, 1e-9, None,
                        "auto", None, None)
            return eval_rhs(self, sim, t, y)

    def jacobian(self, t, y, params=None, inputs=None, sparse=False):
        """The Jacobian df/dy at (t, y): a dense numpy array with
        J[i, j] = d f_i / d y_j (species order), or a scipy.sparse CSC
        matrix of the compiled symbolic Jacobian's nonzeros with
        sparse=True (needs scipy)."""
        from .simulator import jacobian
        with _Sim(self) as sim:
            self._apply(sim, params, None, inputs, None, 1e-6, 1e-9, None,
                        "auto", None, None)
            return jacobian(self, sim, t, y, sparse=sparse)

    def to_sbml(self, path=None):
        """The model as SBML Level 3 Version 2 text (muskx_model_export_sbml
        (3)); also written to path when given. Raises MuskxError with
        status EUNSUPPORTED naming a construct SBML cannot hold."""
        out = ctypes.c_void_p()
        err = _lib.Error()
        mptr = self._h.acquire()
        try:
            status = lib.muskx_model_export_sbml(
                mptr, os.fsencode(path) if path is not None else None,
                ctypes.byref(out), ctypes.byref(err))
        finally:
            self._h.release()
        if status != _lib.OK:
            raise _load_error(err)
        try:
            return ctypes.string_at(out.value).decode("utf-8")
        finally:
            lib.muskx_free_string(out)

    def sensitivities(self, names, t_end=None, dt=None, times=None,
                      params=None, initial=None, inputs=None, doses=None,
                      rtol=1e-8, atol=1e-10, steady_start=False,
                      solver="auto", t_start=0.0, atol_species=None,
                      max_steps=None, max_step=None, return_result=False):
        """Forward sensitivities d(column)/d(p) along a run (CVODES).

        names: the sensitivity parameters p_k -- parameters, compartments
        or species (a species means its initial value), as muskx_sim_set.
        Every other argument is as for simulate() (tighter default
        tolerances: error control includes the sensitivities). With
        steady_start the run starts from the steady state and its
        sensitivities (J s = -df/dp).

        Returns an array S of shape (ntimes, ncols, len(names)) with
        S[i, c, k] = d column c at times[i] / d p_k, the columns of
        simulate() (species, then outputs: Model.columns); a numpy array,
        or nested lists without numpy. return_result=True returns
        (Result, S).

        Errors: as simulate(); MuskxError (status "EUNSUPPORTED") for
        models with algebraic equations or delays, events with a delay
        and timed events whose time depends on a chosen parameter.

            >>> S = m.sensitivities(["k"], t_end=10)
            >>> S[-1, m.columns.index("A"), 0]      # dA(10)/dk
        """
        if isinstance(names, str):
            names = [names]
        names = list(names)
        if not names:
            raise InvalidArgumentError("sensitivities() needs at least one "
                                       "parameter name", status="EINVAL")
        tbuf = _time_grid(t_end, dt, times, t_start)
        ntimes, npar = len(tbuf), len(names)
        arr = (ctypes.c_char_p * npar)(*[encode(nm) for nm in names])
        with _Sim(self) as sim:
            self._apply(sim, params, initial, inputs, doses, rtol, atol,
                        atol_species, solver, max_steps, max_step)
            sim.check(lib.muskx_sim_set_sens_params(sim.ptr, arr, npar))
            if steady_start:
                sim.check(lib.muskx_sim_steady_state_sens(sim.ptr, None,
                                                          None))
            ncols = lib.muskx_sim_ncols(sim.ptr)
            data = new_buffer(ntimes * ncols)
            sens = new_buffer(max(ntimes * ncols * npar, 1))
            status = lib.muskx_sim_run_sens(sim.ptr, _ptr(tbuf), ntimes,
                                            _ptr(data), _ptr(sens))
            if status != _lib.OK:
                extra = {}
                if error_class(status_name(status)) is SolverError:
                    extra = {"time": lib.muskx_sim_fail_time(sim.ptr)}
                sim.check(status, **extra)
            if numpy is not None:
                values = data.reshape(ntimes, ncols)
                out = sens[:ntimes * ncols * npar].reshape(ntimes, ncols,
                                                           npar)
            else:
                values = data
                out = [[[sens[(i * ncols + c) * npar + k]
                         for k in range(npar)] for c in range(ncols)]
                       for i in range(ntimes)]
            result = Result(tbuf, values, ntimes, self._names["species"],
                            self._names["output"], sim.stats(),
                            complete=True, model_id=self.id)
        return (result, out) if return_result else out

    def steady_state(self, params=None, initial=None, inputs=None,
                     rtol=1e-6, atol=1e-9, solver="auto"):
        """Finds a steady state f(y) = 0 near the initial values.

        params, initial, inputs: as for simulate() (input tables are
        allowed; the steady state holds each input at its value at t = 0,
        and .inputs of the result says which values those were; a failure
        says so in its message too).
        Newton's method, falling back to integration until the derivatives
        vanish. Returns a SteadyState with .values (dict species -> value),
        .residual (max-norm of f there), .stability ("stable", "unstable",
        "oscillatory" or "marginal") and .eigenvalues (complex numbers of
        the Jacobian there).

        Raises ConvergenceError (with .values, the best point) when no
        steady state was found. Pass initial=ss.values to simulate() to
        start a run from it, or use simulate(steady_start=True).
        """
        with _Sim(self) as sim:
            self._apply(sim, params, initial, inputs, None, rtol, atol,
                        None, solver, None, None)
            species = self._names["species"]
            n = len(species)
            y = new_buffer(max(n, 1))
            status = lib.muskx_sim_steady_state(sim.ptr, _ptr(y), n)
            values = {nm: float(y[i]) for i, nm in enumerate(species)}
            residual = lib.muskx_sim_steady_residual(sim.ptr)
            if status != _lib.OK:
                extra = {}
                if error_class(status_name(status)) is ConvergenceError:
                    extra = {"values": values, "residual": residual}
                sim.check(status, **extra)
            count = lib.muskx_sim_eigenvalues(sim.ptr, None, None, 0)
            eig = []
            if count > 0:
                re, im = new_buffer(count), new_buffer(count)
                lib.muskx_sim_eigenvalues(sim.ptr, _ptr(re), _ptr(im), count)
                eig = [complex(re[i], im[i]) for i in range(count)]
            stab = lib.muskx_sim_stability(sim.ptr)
            stability = (_lib.STABILITY[stab] if 0 <= stab <
                         len(_lib.STABILITY) else "unknown")
        ss = SteadyState(values, residual, stability, eig, self.id)
        ss.inputs = self._inputs_at_start(inputs)
        return ss

    def _inputs_at_start(self, inputs):
        """The input values a steady state holds: each at t = 0 (a table's
        value there, flat before its first time)."""
        used = dict(self.input_values)
        for nm, v in (inputs or {}).items():
            if isinstance(v, (tuple, list)):
                times, values = list(v[0]), list(v[1])
                k = 0
                for i, t in enumerate(times):
                    if t <= 0:
                        k = i
                used[nm] = float(values[k])
            else:
                used[nm] = float(v)
        return used


class SteadyState:
    """A steady state found by Model.steady_state().

    values        dict species -> value (ss["X"] works too)
    residual      max-norm of the right-hand side there
    stability     "stable" (all eigenvalues with negative real part),
                  "unstable" (a positive real eigenvalue), "oscillatory"
                  (a complex pair with positive real part) or "marginal"
                  (largest real part zero: e.g. a conserved quantity)
    eigenvalues   list of complex eigenvalues of the Jacobian there
    """

    def __init__(self, values, residual, stability, eigenvalues, model_id=""):
        self.inputs = {}       # input -> the value held (its t = 0 value)
        self.values = values
        self.residual = residual
        self.stability = stability
        self.eigenvalues = eigenvalues
        self.model_id = model_id

    def __getitem__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise NameNotFoundError("no species '%s' in this steady state"
                                    % name, name=name) from None

    def to_pandas(self):
        """A pandas Series species -> value (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas (Debian: apt-get "
                              "install python3-pandas)") from None
        return pandas.Series(self.values, name="steady_state")

    def _repr_html_(self):
        import html
        rows = "".join("<tr><td>%s</td><td>%.6g</td></tr>"
                       % (html.escape(k), v) for k, v in self.values.items())
        return ("<table><caption>%s</caption><tr><th>species</th>"
                "<th>value</th></tr>%s</table>"
                % (html.escape(repr(self)), rows))

    def __repr__(self):
        return "<muskx.SteadyState %s%s, residual %.3g, %d species>" % (
            "model %r, " % self.model_id if self.model_id else "",
            self.stability, self.residual, len(self.values))
