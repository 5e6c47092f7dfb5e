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
    result.units         dict column -> unit ("" when the model gives
                         none); result.time_unit the model's time unit
    result.to_csv(path)  CSV with header "time,<columns>" like `muskx
                         simulate` (units=True: a second header line of
                         units, see to_csv())
    result.to_pandas()   a pandas DataFrame indexed by time (needs pandas);
                         df.attrs["units"] holds the units

    roadrunner habits (numpy needed): numpy.asarray(result) is the table
    with time as its first column (result.colnames names them), and
    result[:, 0], result[2], result[1:5, 2] slice that table; result.plot()
    draws it with matplotlib (units on the axes); in a notebook a Result
    shows as a table (_repr_html_).

    Iterating over a Result yields its column names, and `"X" in result`
    tests for a column, as with a dict.
    """

    def __init__(self, times, data, rows, species, outputs, stats=None,
                 complete=True, model_id="", columns=None, units=None,
                 time_unit=""):
        self._times = times
        self._data = data
        self._rows = rows
        self.species = list(species)
        self.outputs = list(outputs)
        if columns is None:
            self.columns = self.species + self.outputs
        else:
            # Selected columns (Model.simulate(selections=...)).
            self.columns = list(columns)
            self.species = [c for c in self.species if c in self.columns]
            self.outputs = [c for c in self.outputs if c in self.columns]
        self._index = {name: j for j, name in enumerate(self.columns)}
        self.units = {c: (units or {}).get(c, "") for c in self.columns}
        self.time_unit = time_unit or ""
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

    @property
    def colnames(self):
        """["time"] + columns (or the columns alone when "time" is one of
        them, as selected): the columns of numpy.asarray(result)."""
        if "time" in self._index:
            return list(self.columns)
        return ["time"] + list(self.columns)

    def __array__(self, dtype=None, copy=None):
        """The table with time first (rows x (1 + columns)), as roadrunner's
        result arrays are; needs numpy."""
        if numpy is None:
            raise TypeError("numpy.asarray(result) needs numpy")
        if "time" in self._index:
            full = numpy.array(self.array, dtype=numpy.float64).reshape(
                self._rows, len(self.columns))
            return full if dtype is None else full.astype(dtype)
        full = numpy.empty((self._rows, 1 + len(self.columns)))
        full[:, 0] = self._times[:self._rows]
        if self.columns:
            full[:, 1:] = numpy.asarray(self.array).reshape(
                self._rows, len(self.columns))
        return full if dtype is None else full.astype(dtype)

    def __getitem__(self, name):
        if not isinstance(name, str):
            # None and booleans would not pick a row or column: numpy reads
            # them as a new axis (r[None] has shape (1, rows, cols)).
            parts = name if isinstance(name, tuple) else (name,)
            if any(p is None or isinstance(p, bool) for p in parts):
                raise TypeError("a Result is indexed by a column name or by "
                                "row and column positions, not %r" % (name,))
            # r[:, 0], r[3], r[1:5, 2]: index the table with time first.
            if numpy is None:
                raise TypeError("indexing a Result by position needs numpy; "
                                "use result[name] or result.row(i)")
            return self.__array__()[name]
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
    def to_csv(self, path, columns=None, units=False):
        """Writes "time,<columns>" and one line per row to path.

        columns: names to write (default: all). Numbers are written with
        repr(), which round-trips exactly. units=True writes the header
        as "name [unit]" (e.g. "BMD_wb_pct [%]", "time [d]"), which pandas
        and R read without extra arguments (R's read.csv turns it into
        BMD_wb_pct....; use check.names = FALSE to keep it).
        """
        names = list(columns) if columns is not None else self.columns
        cols = [self.time] + [self[c] for c in names]
        head = ["time"] + names
        if units:
            head = [_with_unit(c, self.time_unit if c == "time"
                               else self.units.get(c, "")) for c in head]
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(head)
            for i in range(self._rows):
                w.writerow([repr(float(c[i])) for c in cols])

    def plot(self, columns=None, ax=None, title=None, show=False, **kwargs):
        """Draws columns (default: all) against time with matplotlib;
        returns the Axes. Units go on the axes and in the legend."""
        from .plotting import plot_result
        return plot_result(self, columns, ax=ax, title=title, show=show,
                           **kwargs)

    def _repr_html_(self):
        from .plotting import html_table
        return html_table(self)

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
        df = pandas.DataFrame(data, index=index, columns=self.columns)
        df.attrs["units"] = dict(self.units)
        df.attrs["time_unit"] = self.time_unit
        return df

    def __repr__(self):
        if self._rows:
            span = ", t=%g..%g" % (self._times[0], self._times[self._rows - 1])
        else:
            span = ""
        return "<muskx.Result %s%d rows x %d columns%s%s>" % (
            "model %r, " % self.model_id if self.model_id else "",
            self._rows, len(self.columns), span,
            "" if self.complete else ", partial")


def _with_unit(name, unit):
    return "%s [%s]" % (name, unit) if unit else name


def new_buffer(n):
    """A zeroed double buffer of n values: numpy array or array('d')."""
    if numpy is not None:
        return numpy.zeros(n, dtype=numpy.float64)
    return array("d", bytes(8 * n))


def from_sequence(values):
    """A double buffer holding values (copied): a flat sequence of numbers.
    A str (numpy would read "012" as the one number 12) and a nested
    sequence (numpy would flatten it) are refused, not reinterpreted."""
    if isinstance(values, (str, bytes)):
        raise TypeError("muskx: expected a sequence of numbers, not a %s %r"
                        % (type(values).__name__, values))
    if numpy is not None:
        buf = numpy.ascontiguousarray(values, dtype=numpy.float64)
        if buf.ndim != 1:
            raise TypeError("muskx: expected a flat sequence of numbers, got "
                            "%d dimensions" % buf.ndim)
        return buf
    return array("d", (float(v) for v in values))
