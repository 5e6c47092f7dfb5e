"""ensemble.py -- virtual populations from Python (muskx_ensemble_*).

    e = m.ensemble(vary={"k": ("lognormal", 0.7, 0.3)}, n=500,
                   start=0, end=10, points=11, seed=7)
    e.quantiles([0.05, 0.5, 0.95])["A"]    # 3 x 11 per-time quantiles
    e.trajectories                          # n x times x columns (numpy)
    e.values                                # n x varied: the values drawn
    e.plot("A"); e.to_pandas(); e            # notebook table

Distributions (as muskx ensemble --vary): ("normal", mean, sd),
("lognormal", median, cv), ("uniform", low, high). Samples run in parallel
C threads; sample i's draw depends only on (seed, i).
"""

import ctypes

from . import _lib
from ._calls import time_arguments
from ._lib import lib, text, encode, status_name
from .errors import InvalidArgumentError, error_class, status_error
from .result import numpy

__all__ = ["Ensemble", "run_ensemble"]

_DIST = {"normal": 0, "lognormal": 1, "uniform": 2}

_PROTOS = {
    "muskx_ensemble_create": (ctypes.c_int, [ctypes.c_void_p,
                                             ctypes.POINTER(ctypes.c_void_p)]),
    "muskx_ensemble_free": (None, [ctypes.c_void_p]),
    "muskx_ensemble_errmsg": (ctypes.c_char_p, [ctypes.c_void_p]),
    "muskx_ensemble_vary": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p,
                                           ctypes.c_int, ctypes.c_double,
                                           ctypes.c_double]),
    "muskx_ensemble_set_columns": (ctypes.c_int, [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t]),
    "muskx_ensemble_ncols": (ctypes.c_int, [ctypes.c_void_p]),
    "muskx_ensemble_column_name": (ctypes.c_char_p, [ctypes.c_void_p,
                                                     ctypes.c_int]),
    "muskx_ensemble_run": (ctypes.c_int, [
        ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t,
        ctypes.c_ulonglong, ctypes.c_int, _lib.c_double_p, ctypes.c_size_t,
        _lib.ENSEMBLE_PROGRESS, ctypes.c_void_p]),
    "muskx_ensemble_count": (ctypes.c_size_t, [ctypes.c_void_p]),
    "muskx_ensemble_nfailed": (ctypes.c_size_t, [ctypes.c_void_p]),
    "muskx_ensemble_trajectories": (ctypes.c_int, [
        ctypes.c_void_p, _lib.c_double_p, ctypes.c_size_t]),
    "muskx_ensemble_values": (ctypes.c_int, [
        ctypes.c_void_p, _lib.c_double_p, ctypes.c_size_t]),
    "muskx_ensemble_nvaried": (ctypes.c_int, [ctypes.c_void_p]),
    "muskx_ensemble_varied_name": (ctypes.c_char_p, [ctypes.c_void_p,
                                                     ctypes.c_int]),
    "muskx_quantiles": (ctypes.c_int, [
        _lib.c_double_p, ctypes.c_size_t, ctypes.c_size_t, _lib.c_double_p,
        ctypes.c_size_t, _lib.c_double_p]),
}
for _n, (_r, _a) in _PROTOS.items():
    getattr(lib, _n).restype = _r
    getattr(lib, _n).argtypes = _a


def _dptr(a):
    return a.ctypes.data_as(_lib.c_double_p)


def run_ensemble(model, vary, n, args=(), start=None, end=None, points=None,
                 t_end=None, dt=None, times=None, seed=1, threads=0,
                 columns=None):
    """Model.ensemble(): runs n samples and returns an Ensemble."""
    if numpy is None:
        raise ImportError("ensembles need numpy (Debian: python3-numpy)")
    from .model import _time_grid
    t_end, dt, times, t_start = time_arguments(args, t_end, dt, times, 0.0,
                                               points, start, end)
    tbuf = numpy.asarray(_time_grid(t_end, dt, times, t_start),
                         dtype=numpy.float64)
    from .model import _whole
    # int() made n = 2.5 two samples; ctypes wrapped seed -1 to 2**64 - 1
    n = _whole(n, "n", 1, 2**63 - 1)
    seed = _whole(seed, "seed", 0, 2**64 - 1)
    threads = _whole(threads, "threads", 0, 2**31 - 1)
    mptr = model._h.acquire()
    ens = ctypes.c_void_p()
    try:
        st = lib.muskx_ensemble_create(mptr, ctypes.byref(ens))
        if st != _lib.OK:
            raise error_class(status_name(st))(_lib.strerror(st),
                                               status=status_name(st))

        def check(st, what, name=None):
            """name: the name a NameNotFoundError carries (or a callable
            that finds it, called only on failure)."""
            if st != _lib.OK:
                raise status_error(
                    status_name(st),
                    "%s: %s" % (what, text(lib.muskx_ensemble_errmsg(ens))),
                    st, name)

        for name, spec in (vary or {}).items():
            if not (isinstance(spec, (tuple, list)) and len(spec) == 3 and
                    spec[0] in _DIST):
                raise InvalidArgumentError(
                    "vary[%r] must be (\"normal\"|\"lognormal\"|\"uniform\", "
                    "p1, p2), not %r" % (name, spec), status="EINVAL")
            check(lib.muskx_ensemble_vary(ens, encode(name), _DIST[spec[0]],
                                          float(spec[1]), float(spec[2])),
                  "vary %s" % name, name)
        if columns is not None:
            arr = (ctypes.c_char_p * max(len(columns), 1))(
                *[encode(c) for c in columns])
            check(lib.muskx_ensemble_set_columns(ens, arr, len(columns)),
                  "columns", lambda: model._unknown(columns, model.COLUMN_KINDS))
        check(lib.muskx_ensemble_run(ens, 0, n, int(seed), int(threads),
                                     _dptr(tbuf), len(tbuf),
                                     _lib.ENSEMBLE_PROGRESS(), None),
              "run")
        ncols = lib.muskx_ensemble_ncols(ens)
        names = [text(lib.muskx_ensemble_column_name(ens, j))
                 for j in range(ncols)]
        traj = numpy.zeros(n * len(tbuf) * max(ncols, 1))
        check(lib.muskx_ensemble_trajectories(ens, _dptr(traj), traj.size),
              "trajectories")
        nv = lib.muskx_ensemble_nvaried(ens)
        varied = [text(lib.muskx_ensemble_varied_name(ens, k))
                  for k in range(nv)]
        vals = numpy.zeros(max(n * nv, 1))
        check(lib.muskx_ensemble_values(ens, _dptr(vals), vals.size),
              "values")
        nfailed = int(lib.muskx_ensemble_nfailed(ens))
    finally:
        if ens.value:
            lib.muskx_ensemble_free(ens)
        model._h.release()
    units = {c: model._meta[c]["unit"] for c in names if c in model._meta}
    return Ensemble(model.id, tbuf, names,
                    traj[:n * len(tbuf) * ncols].reshape(n, len(tbuf), ncols),
                    varied, vals[:n * nv].reshape(n, nv), nfailed, units,
                    model.time_unit)


class Ensemble:
    """The runs of a virtual population (see Model.ensemble()).

    time            the output times
    columns, units  the kept columns and their units
    trajectories    numpy array samples x times x columns (NaN rows for a
                    failed sample); trajectory(name) samples x times
    varied, values  the varied names and the values drawn (samples x
                    varied)
    nfailed         samples whose run failed
    quantiles(p)    dict column -> len(p) x times array of per-time
                    quantiles over the successful samples (R's and numpy's
                    default definition)
    plot(column), to_pandas(), _repr_html_()
    """

    def __init__(self, model_id, times, columns, traj, varied, values,
                 nfailed, units, time_unit):
        self.model_id = model_id
        self.time = times
        self.columns = list(columns)
        self.trajectories = traj
        self.varied = list(varied)
        self.values = values
        self.nfailed = nfailed
        self.units = {c: units.get(c, "") for c in self.columns}
        self.time_unit = time_unit or ""

    def __len__(self):
        return self.trajectories.shape[0]

    def trajectory(self, name):
        """samples x times array of one column."""
        try:
            j = self.columns.index(name)
        except ValueError:
            raise KeyError("no column '%s' (columns: %s)"
                           % (name, ", ".join(self.columns))) from None
        return self.trajectories[:, :, j]

    def quantiles(self, probs=(0.05, 0.25, 0.5, 0.75, 0.95)):
        """dict column -> len(probs) x times quantiles (muskx_quantiles)."""
        p = numpy.asarray(probs, dtype=numpy.float64)
        n, nt, nc = self.trajectories.shape
        data = numpy.ascontiguousarray(self.trajectories).ravel()
        out = numpy.zeros(max(p.size * nt * nc, 1))
        st = lib.muskx_quantiles(_dptr(data), n, nt * nc, _dptr(p), p.size,
                                 _dptr(out))
        if st != _lib.OK:
            raise InvalidArgumentError("quantiles: probabilities must be in "
                                       "[0, 1], got %r" % (list(probs),),
                                       status=status_name(st))
        q = out[:p.size * nt * nc].reshape(p.size, nt, nc)
        return {c: q[:, :, j] for j, c in enumerate(self.columns)}

    def plot(self, column, ax=None, probs=(0.05, 0.5, 0.95), show=False):
        """The median of column with a shaded band between the outer
        quantiles; units on the axes. Returns the Axes."""
        from .plotting import _pyplot, _label
        _, plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        q = self.quantiles(probs)[column]
        lo, mid, hi = q[0], q[len(probs) // 2], q[-1]
        ax.fill_between(self.time, lo, hi, alpha=0.3,
                        label="%g-%g quantiles" % (probs[0], probs[-1]))
        ax.plot(self.time, mid, label="median")
        ax.set_xlabel(_label("time", self.time_unit))
        ax.set_ylabel(_label(column, self.units.get(column, "")))
        ax.set_title("%s: %d samples%s" % (self.model_id, len(self),
                                           ", %d failed" % self.nfailed
                                           if self.nfailed else ""))
        ax.legend(fontsize="small")
        if show:
            plt.show()
        return ax

    def to_pandas(self):
        """Long DataFrame: sample, time, then one column per kept column."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas (Debian: apt-get "
                              "install python3-pandas)") from None
        n, nt, nc = self.trajectories.shape
        d = {"sample": numpy.repeat(numpy.arange(n), nt),
             "time": numpy.tile(self.time, n)}
        for j, c in enumerate(self.columns):
            d[c] = self.trajectories[:, :, j].ravel()
        df = pandas.DataFrame(d)
        df.attrs["units"] = dict(self.units)
        return df

    def _repr_html_(self):
        import html
        q = self.quantiles((0.05, 0.5, 0.95))
        rows = "".join(
            "<tr><td>%s</td><td>%s</td><td>%.4g</td><td>%.4g</td><td>%.4g"
            "</td></tr>" % (html.escape(c), html.escape(self.units[c]),
                            q[c][0, -1], q[c][1, -1], q[c][2, -1])
            for c in self.columns)
        return ("<table><caption>%s</caption><tr><th>column</th><th>unit"
                "</th><th>q05 (end)</th><th>median (end)</th><th>q95 (end)"
                "</th></tr>%s</table>" % (html.escape(repr(self)), rows))

    def __repr__(self):
        return "<muskx.Ensemble %r: %d samples (%d failed) x %d times x %d " \
               "columns, varied %s>" % (self.model_id, len(self),
                                        self.nfailed, len(self.time),
                                        len(self.columns),
                                        ", ".join(self.varied) or "nothing")
