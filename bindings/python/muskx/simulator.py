"""simulator.py -- Simulator: a stateful simulation, as roadrunner keeps one.

A Model is immutable and every Model.simulate() starts afresh. A
Simulator (Model.simulator()) owns one C simulation and remembers:

    sim = m.simulator()
    sim["k"] = 3            # or sim.k = 3: parameter, species initial
                            # value, compartment or input
    r1 = sim.simulate(0, 50, 101)   # roadrunner's (start, end, points)
    r2 = sim.simulate(end=100)      # continues from t = 50 and r1's state
    sim.reset()             # species back to their initial values, t = 0
    sim.reset_all()         # also every value set, the selections kept
    sim.selections = ["time", "A", "r1", "k"]   # any name as a column

Continuing carries the species values and the parameter values that
events changed during the previous run; timed events and doses before the
new start do not fire again (the previous run gave them). A run that does
not start where the last one ended (or the first) refuses a timed event
or dose wholly before its start, which would otherwise never happen.
A Simulator belongs to one thread (as a C muskx_sim does); use one per
thread, or Model.simulate(), which is thread-safe.

eval_rhs(t, y) and jacobian(t, y) (dense, or scipy.sparse with
sparse=True) give the right-hand side and its Jacobian at the current
settings, as numpy arrays.
"""

import ctypes
import math

from . import _lib
from ._calls import time_arguments
from ._lib import lib, text, encode, status_name
from .errors import (InvalidArgumentError, NameNotFoundError, SolverError,
                     error_class)
from .result import Result, numpy, new_buffer, from_sequence

__all__ = ["Simulator", "eval_rhs", "jacobian", "run_columns"]

_SETTABLE = ("parameter", "species", "compartment", "input")


def _ptr(buf):
    from .model import _ptr as p
    return p(buf)


def run_columns(model, sim, selections):
    """Applies selections (None: the default columns) to the C simulation
    sim; returns (names, units) of the run's columns."""
    if selections is not None:
        names = [selections] if isinstance(selections, str) else list(
            selections)
        arr = (ctypes.c_char_p * max(len(names), 1))(
            *[encode(nm) for nm in names])
        sim.check(lib.muskx_sim_select(sim.ptr, arr, len(names)),
                  lambda: model._unknown(names, model.SELECT_KINDS,
                                         ("time", "t")))
    n = lib.muskx_sim_ncols(sim.ptr)
    names = [text(lib.muskx_sim_column_name(sim.ptr, j)) for j in range(n)]
    units = {nm: text(lib.muskx_sim_column_unit(sim.ptr, j))
             for j, nm in enumerate(names)}
    return names, units


def _need_numpy(what):
    if numpy is None:
        raise ImportError("%s needs numpy (Debian: python3-numpy)" % what)


def eval_rhs(model, sim, t, y):
    """dy/dt at (t, y) on the C simulation sim, as a numpy array."""
    _need_numpy("eval_rhs()")
    n = len(model.species)
    yv = numpy.ascontiguousarray(y, dtype=numpy.float64).ravel()
    if yv.size != n:
        raise InvalidArgumentError("y has %d values; the model has %d "
                                   "species (%s)" % (yv.size, n,
                                                     ", ".join(model.species)),
                                   status="EINVAL")
    out = numpy.zeros(max(n, 1))
    sim.check(lib.muskx_sim_eval_rhs(sim.ptr, float(t), _ptr(yv), _ptr(out),
                                     None))
    return out[:n]


def jacobian(model, sim, t, y, sparse=False):
    """df/dy at (t, y): a dense n x n numpy array (J[i, j] = d f_i / d y_j),
    or with sparse=True a scipy.sparse.csc_matrix with the structural
    nonzeros of the compiled symbolic Jacobian."""
    _need_numpy("jacobian()")
    n = len(model.species)
    yv = numpy.ascontiguousarray(y, dtype=numpy.float64).ravel()
    if yv.size != n:
        raise InvalidArgumentError("y has %d values; the model has %d "
                                   "species" % (yv.size, n), status="EINVAL")
    f = numpy.zeros(max(n, 1))
    jac = numpy.zeros(max(n * n, 1))
    sim.check(lib.muskx_sim_eval_rhs(sim.ptr, float(t), _ptr(yv), _ptr(f),
                                     _ptr(jac)))
    dense = jac[:n * n].reshape(n, n, order="F").copy()
    if not sparse:
        return dense
    try:
        import scipy.sparse
    except ImportError:
        raise ImportError("jacobian(sparse=True) needs scipy (Debian: "
                          "python3-scipy)") from None
    mptr = model._h.acquire()
    try:
        nnz = lib.muskx_model_jacobian_nnz(mptr)
        rowbuf = (ctypes.c_int * max(nnz, 1))()
        colbuf = (ctypes.c_int * max(nnz, 1))()
        lib.muskx_model_jacobian_pattern(mptr, rowbuf, colbuf)
    finally:
        model._h.release()
    rows = numpy.array(rowbuf[:nnz], dtype=numpy.int64)
    cols = numpy.array(colbuf[:nnz], dtype=numpy.int64)
    return scipy.sparse.csc_matrix((dense[rows, cols], (rows, cols)),
                                   shape=(n, n))


class Simulator:
    """A stateful simulation of a Model (see the module's doc)."""

    _FIELDS = ("model", "_sim", "_t", "_ended", "_state", "_selections",
               "_settings", "_params_moved", "rtol", "atol", "solver")

    def __init__(self, model, rtol=1e-6, atol=1e-9, solver="auto"):
        from .model import _Sim
        object.__setattr__(self, "model", model)
        sim = _Sim(model)
        sim.__enter__()
        object.__setattr__(self, "_sim", sim)
        object.__setattr__(self, "_t", 0.0)
        object.__setattr__(self, "_ended", None)      # end of the last run
        object.__setattr__(self, "_state", None)      # species carried on
        object.__setattr__(self, "_selections", None)
        object.__setattr__(self, "_settings", {})     # name -> value set
        object.__setattr__(self, "_params_moved", {})  # by events
        object.__setattr__(self, "rtol", rtol)
        object.__setattr__(self, "atol", atol)
        object.__setattr__(self, "solver", solver)

    # -- values -------------------------------------------------------------
    def _kind(self, name):
        meta = self.model._meta.get(name)
        if meta is None or meta["kind"] not in _SETTABLE:
            kinds = ", ".join(_SETTABLE)
            raise NameNotFoundError("no %s named '%s' in model '%s'"
                                    % (kinds.replace(", input", " or input"),
                                       name, self.model.id), name=name)
        return meta["kind"]

    def __setitem__(self, name, value):
        self._kind(name)
        v = float(value)
        if math.isnan(v):
            raise InvalidArgumentError("%s: value is nan" % name,
                                       status="EINVAL")
        self._sim.check(lib.muskx_sim_set(self._sim.ptr, encode(name), v),
                        name)
        self._settings[name] = v
        if self._state is not None and name in self._state:
            self._state[name] = v     # a species set now takes effect now
        self._params_moved.pop(name, None)

    def __getitem__(self, name):
        kind = self._kind(name)
        if kind == "species" and self._state is not None:
            return self._state[name]
        if name in self._params_moved:
            return self._params_moved[name]
        if name in self._settings:
            return self._settings[name]
        return self.model._meta[name]["default"]

    def __setattr__(self, name, value):
        if name in Simulator._FIELDS:
            object.__setattr__(self, name, value)
        elif name == "selections":
            self._set_selections(value)
        elif name in self.model._meta:
            self[name] = value
        else:
            raise AttributeError(
                "Simulator has no attribute '%s' and model '%s' has no "
                "parameter, species, compartment or input of that name"
                % (name, self.model.id))

    def __getattr__(self, name):
        # Only called when normal lookup fails: model names read values.
        if name.startswith("_") or name not in self.model._meta:
            raise AttributeError(name)
        return self[name]

    @property
    def time(self):
        """Where the next simulate() without a start begins."""
        return self._t

    @property
    def selections(self):
        """The columns of the next runs (None: species then outputs)."""
        return None if self._selections is None else list(self._selections)

    def _set_selections(self, names):
        run_columns(self.model, self._sim, names if names is not None else [])
        object.__setattr__(self, "_selections",
                           None if names is None else list(names))

    # -- runs ---------------------------------------------------------------
    def reset(self):
        """Species back to their initial values (those set with sim[...]
        included) and time back to 0; values set with sim[...] are kept,
        parameter changes made by events are undone."""
        self._sim.check(lib.muskx_sim_reset(self._sim.ptr))
        for nm, v in self._settings.items():
            self._sim.check(lib.muskx_sim_set(self._sim.ptr, encode(nm), v),
                            nm)
        object.__setattr__(self, "_t", 0.0)
        object.__setattr__(self, "_ended", None)
        object.__setattr__(self, "_state", None)
        self._params_moved.clear()

    def reset_all(self):
        """Every value back to the model's defaults (selections kept)."""
        self._settings.clear()
        self.reset()

    def _carry(self):
        """Puts the carried state into the C simulation's initial values."""
        for nm, v in (self._state or {}).items():
            self._sim.check(lib.muskx_sim_set_initial(self._sim.ptr,
                                                      encode(nm), v), nm)
        for nm, v in self._params_moved.items():
            self._sim.check(lib.muskx_sim_set(self._sim.ptr, encode(nm), v),
                            nm)

    def simulate(self, *args, t_end=None, dt=None, times=None, points=None,
                 start=None, end=None, selections=None):
        """Runs from where the last run stopped (or from start) and returns
        a Result; the forms are Model.simulate()'s: (start, end, points),
        end=..., t_end/dt, times. selections: columns for this run and the
        next ones (as the selections attribute)."""
        if not args and start is None and times is None and \
                (end is not None or t_end is not None):
            start = self._t        # continue
            if end is None:
                end, t_end = t_end, None
                if dt is not None:
                    points = int(round((end - start) / float(dt))) + 1
                    dt = None
        t_end, dt, times, t_start = time_arguments(args, t_end, dt, times,
                                                   0.0, points, start, end)
        from .model import _time_grid
        tbuf = _time_grid(t_end, dt, times, t_start)
        if selections is not None:
            self._set_selections(selections)
        sim = self._sim
        sim.check(lib.muskx_sim_set_tolerances(sim.ptr, float(self.rtol),
                                               float(self.atol)))
        sim.check(lib.muskx_sim_set_linear_solver(
            sim.ptr, _lib.LINEAR_SOLVER[self.solver]))
        self._carry()
        # Starting where the last run ended, its state includes the timed
        # events and doses before this start: skip them, do not refuse.
        sim.check(lib.muskx_sim_set_continuing(
            sim.ptr, int(self._ended is not None and len(tbuf) > 0
                         and float(tbuf[0]) == self._ended)))
        # The run also records every species and parameter (hidden
        # columns) so that the next run can continue from its end.
        shown, units = run_columns(self.model, sim, self._selections)
        species = self.model.species
        params = self.model.parameters
        hidden = shown + species + params
        run_columns(self.model, sim, hidden)
        n, ncols = len(tbuf), len(hidden)
        data = new_buffer(n * ncols)
        rows = ctypes.c_size_t(0)
        status = lib.muskx_sim_run(sim.ptr, _ptr(tbuf), n, _ptr(data),
                                   ctypes.byref(rows))
        # selecting the columns again clears the run's message: keep it
        message = sim.errmsg()
        run_columns(self.model, sim, self._selections or [])
        k = rows.value
        table = [[data[i * ncols + j] for j in range(len(shown))]
                 for i in range(k)]
        if numpy is not None:
            body = numpy.array(table, dtype=numpy.float64).reshape(
                k, len(shown))
        else:
            body = from_sequence([v for row in table for v in row])
        result = Result(tbuf, body, k, self.model.species,
                        self.model.outputs, _stats(sim),
                        complete=(status == _lib.OK),
                        model_id=self.model.id, columns=shown, units=units,
                        time_unit=self.model.time_unit)
        if k > 0:
            last = (k - 1) * ncols
            base = len(shown)
            object.__setattr__(self, "_state", {
                nm: data[last + base + i] for i, nm in enumerate(species)})
            first = base + len(species)
            for i, nm in enumerate(params):
                v0, v1 = data[first + i], data[last + first + i]
                if v1 != v0 or nm in self._params_moved:
                    self._params_moved[nm] = v1
            object.__setattr__(self, "_t", float(tbuf[k - 1]))
            object.__setattr__(self, "_ended", self._t)
        if status != _lib.OK:
            extra = {}
            if error_class(status_name(status)) is SolverError:
                extra = {"time": lib.muskx_sim_fail_time(sim.ptr),
                         "result": result}
            sim.check(status, message=message, **extra)
        return result

    def steady_state(self):
        """Moves the species to a steady state at the current settings
        (Model.steady_state() for the details); returns its values."""
        n = len(self.model.species)
        self._carry()
        y = new_buffer(max(n, 1))
        self._sim.check(lib.muskx_sim_steady_state(self._sim.ptr, _ptr(y), n))
        values = {nm: float(y[i]) for i, nm in enumerate(self.model.species)}
        object.__setattr__(self, "_state", dict(values))
        return values

    def eval_rhs(self, t=None, y=None):
        """dy/dt at (t, y), default the current time and state."""
        t, y = self._here(t, y)
        return eval_rhs(self.model, self._sim, t, y)

    def jacobian(self, t=None, y=None, sparse=False):
        """df/dy at (t, y), default the current time and state."""
        t, y = self._here(t, y)
        return jacobian(self.model, self._sim, t, y, sparse=sparse)

    def _here(self, t, y):
        if y is None:
            y = [self[nm] for nm in self.model.species]
        self._carry()
        return (self._t if t is None else t), y

    def close(self):
        """Frees the C simulation (also done by the garbage collector)."""
        sim = self.__dict__.get("_sim")
        if sim is not None and sim.ptr is not None:
            sim.__exit__(None, None, None)

    def __del__(self):
        try:
            self.close()
        except Exception:   # interpreter shutdown: nothing left to free
            pass

    def __repr__(self):
        return "<muskx.Simulator of %r at t=%g%s>" % (
            self.model.id, self._t,
            "" if self._selections is None
            else ", selections %s" % self._selections)


def _stats(sim):
    return sim.stats()
