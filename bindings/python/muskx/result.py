"""result.py -- Result: the time courses written by one simulation.

A run writes row-major samples (one row per output time: species in file
order, then outputs in file order) into a buffer owned by Python. With
numpy the buffer is a numpy array handed to C without a copy, and each
column is a strided view into it. Without numpy (or with MUSKX_NO_NUMPY=1)
the buffer is an array('d') and columns are plain lists.
"""

import csv
import os
from array import array

from .errors import NameNotFoundError

__all__ = ["Result", "numpy", "HAVE_NUMPY"]


def _import_numpy():
    # MUSKX_NO_NUMPY=1 makes the package behave as if numpy were absent
    # (used by scripts/test-python.sh to test the pure-Python path).
    if os.environ.get("MUSKX_NO_NUMPY", "") not in ("", "0"):
        return None
    try:
        import numpy
    except ImportError:
        return None
    return numpy


numpy = _import_numpy()
HAVE_NUMPY = numpy is not None


class Result:
    """Time courses of one simulation, column by column.

    result.time          the output times (numpy array, or list)
    result["bone_t.OCa"] one column: a species or an output (numpy array,
                         or list); result["time"] is result.time
    result.columns       column names: species in file order, then outputs
    result.species       the species names; result.outputs the outputs
    len(result)          number of rows (output times) computed
    result.final         dict name -> value at the last computed time
    result.row(i)        dict name -> value at row i (with "time")
    result.stats         solver statistics of the run (dict)
    result.complete      False for the partial result of a failed run
    result.array         the whole table, rows x columns (numpy array, or
                         a list of row lists), without time
    result.to_csv(path)  CSV with header "time,<columns>" like `muskx
                         simulate`
    result.to_pandas()   a pandas DataFrame indexed by time (needs pandas)

    Iterating over a Result yields its column names, and `"X" in result`
    tests for a column, as with a dict.
    """

    def __init__(self, times, data, rows, species, outputs, stats=None,
                 complete=True, model_id=""):
        self._times = times
        self._data = data
        self._rows = rows
        self.species = list(species)
        self.outputs = list(outputs)
        self.columns = self.species + self.outputs
        self._index = {name: j for j, name in enumerate(self.columns)}
        self.stats = dict(stats or {})
        self.complete = complete
        self.model_id = model_id
        self._cache = {}

    # -- access -------------------------------------------------------------
    @property
    def time(self):
        """The output times of the computed rows."""
        if numpy is not None and isinstance(self._times, numpy.ndarray):
            return self._times[:self._rows]
        if "time" not in self._cache:
            self._cache["time"] = list(self._times[:self._rows])
        return self._cache["time"]

    def __getitem__(self, name):
        if name == "time":
            return self.time
        try:
            j = self._index[name]
        except (KeyError, TypeError):
            raise NameNotFoundError(
                "no column '%s' in this result (columns: %s)"
                % (name, ", ".join(self.columns)), name=name) from None
        if numpy is not None and isinstance(self._data, numpy.ndarray):
            return self._data[:self._rows, j]
        col = self._cache.get(name)
        if col is None:
            n = len(self.columns)
            col = list(self._data[j:self._rows * n:n])
            self._cache[name] = col
        return col

    def get(self, name, default=None):
        """result[name], or default when there is no such column."""
        try:
            return self[name]
        except KeyError:
            return default

    def keys(self):
        """The column names (as result.columns)."""
        return list(self.columns)

    def __iter__(self):
        return iter(self.columns)

    def __contains__(self, name):
        return name == "time" or name in self._index

    def __len__(self):
        return self._rows

    @property
    def array(self):
        """All columns, rows x columns (numpy array, or list of lists)."""
        if numpy is not None and isinstance(self._data, numpy.ndarray):
            return self._data[:self._rows]
        n = len(self.columns)
        return [list(self._data[i * n:(i + 1) * n])
                for i in range(self._rows)]

    def row(self, i):
        """Row i (negative counts from the end) as a dict with "time"."""
        if i < 0:
            i += self._rows
        if not 0 <= i < self._rows:
            raise IndexError("row %d out of range (%d rows)"
                             % (i, self._rows))
        n = len(self.columns)
        out = {"time": float(self._times[i])}
        for j, name in enumerate(self.columns):
            out[name] = float(self._data[i * n + j] if numpy is None
                              or not isinstance(self._data, numpy.ndarray)
                              else self._data[i, j])
        return out

    @property
    def final(self):
        """Values at the last computed time, as a dict (with "time")."""
        return self.row(-1) if self._rows else {}

    # -- export -------------------------------------------------------------
    def to_csv(self, path, columns=None):
        """Writes "time,<columns>" and one line per row to path.

        columns: names to write (default: all). Numbers are written with
        repr(), which round-trips exactly.
        """
        names = list(columns) if columns is not None else self.columns
        cols = [self.time] + [self[c] for c in names]
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["time"] + names)
            for i in range(self._rows):
                w.writerow([repr(float(c[i])) for c in cols])

    def to_pandas(self):
        """A pandas.DataFrame: one column per species/output, index "time".

        Raises ImportError when pandas is not installed
        (Debian: apt-get install python3-pandas).
        """
        try:
            import pandas
        except ImportError:
            raise ImportError("to_pandas() needs pandas (Debian: apt-get "
                              "install python3-pandas; or pip install "
                              "pandas)") from None
        data = {name: list(self[name]) if numpy is None else self[name]
                for name in self.columns}
        index = pandas.Index(list(self.time) if numpy is None else self.time,
                             name="time")
        return pandas.DataFrame(data, index=index, columns=self.columns)

    def __repr__(self):
        if self._rows:
            span = ", t=%g..%g" % (self._times[0], self._times[self._rows - 1])
        else:
            span = ""
        return "<muskx.Result %s%d rows x %d columns%s%s>" % (
            "model %r, " % self.model_id if self.model_id else "",
            self._rows, len(self.columns), span,
            "" if self.complete else ", partial")


def new_buffer(n):
    """A zeroed double buffer of n values: numpy array or array('d')."""
    if numpy is not None:
        return numpy.zeros(n, dtype=numpy.float64)
    return array("d", bytes(8 * n))


def from_sequence(values):
    """A double buffer holding values (copied)."""
    if numpy is not None:
        return numpy.ascontiguousarray(values, dtype=numpy.float64).ravel()
    return array("d", (float(v) for v in values))
