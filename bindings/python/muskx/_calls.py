"""_calls.py -- how simulate() reads its arguments.

Two habits meet here. Ours: keywords, simulate(t_end=100, dt=1) or
simulate(times=[...]). roadrunner/Tellurium's: positional
simulate(start, end, points), where points counts the output rows
(both ends included; 51 when left out). Positional arguments therefore
always mean roadrunner's (start, end[, points]); a single positional
number is refused, because it could be either a start or an end.
"""

import math

from .errors import InvalidArgumentError

__all__ = ["time_arguments"]

# roadrunner's default number of points for simulate(start, end).
ROADRUNNER_POINTS = 51


# The most output rows one call may ask for (the CLI's limit too): a
# points of 10**12 had Python build the list until the kernel killed it.
MAX_ROWS = 100000000


def _num(value, what):
    """value as a finite float; a string or a bool is refused (True ran
    to t = 1), and so are NaN and infinities."""
    if isinstance(value, (str, bytes, bool)):
        raise InvalidArgumentError("%s must be a number, not %r"
                                   % (what, value), status="EINVAL")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidArgumentError("%s must be a number, not %r"
                                   % (what, value), status="EINVAL") from None
    if not math.isfinite(v):
        raise InvalidArgumentError("%s must be a finite number, not %r"
                                   % (what, value), status="EINVAL")
    return v


def time_arguments(args, t_end, dt, times, t_start, points, start, end):
    """(t_end, dt, times, t_start) for _time_grid() from every accepted
    form of simulate(); raises TypeError / InvalidArgumentError with the
    forms spelled out when the call is ambiguous or contradictory."""
    if len(args) > 3:
        raise TypeError("simulate() takes at most 3 positional arguments "
                        "(start, end, points), got %d" % len(args))
    if len(args) == 1:
        raise TypeError(
            "simulate(%r): one positional number is ambiguous; write "
            "simulate(start, end, points) as roadrunner does, or "
            "simulate(t_end=%r)" % (args[0], args[0]))
    if args:
        if start is not None or end is not None:
            raise TypeError("simulate(): start/end given both positionally "
                            "and as keywords")
        start, end = args[0], args[1]
        if len(args) == 3:
            if points is not None:
                raise TypeError("simulate(): points given both positionally "
                                "and as a keyword")
            points = args[2]
    roadrunner = start is not None or end is not None or points is not None
    if not roadrunner:
        return t_end, dt, times, t_start
    if t_end is not None or dt is not None or times is not None:
        raise TypeError("simulate(): give either (start, end, points) as "
                        "roadrunner does, or t_end/dt/times, not both")
    if end is None:
        raise TypeError("simulate(start, end, points): end is missing")
    t0 = _num(0.0 if start is None else start, "start")
    t1 = _num(end, "end")
    if not t1 >= t0:
        raise InvalidArgumentError(
            "simulate(start=%g, end=%g): end is before start (positional "
            "arguments are roadrunner's start, end, points; for an end time "
            "and a step write t_end=..., dt=...)" % (t0, t1), status="EINVAL")
    n = ROADRUNNER_POINTS if points is None else points
    if isinstance(n, bool) or not isinstance(n, int) and not (
            isinstance(n, float) and n.is_integer()):
        raise InvalidArgumentError("points must be a whole number >= 2, not "
                                   "%r" % (n,), status="EINVAL")
    n = int(n)
    if n < 2 and t1 > t0 or n < 1:
        raise InvalidArgumentError("points must be >= 2 (both ends count), "
                                   "not %d" % n, status="EINVAL")
    if n > MAX_ROWS:
        raise InvalidArgumentError("points %d is more than the %d rows one "
                                   "run may give" % (n, MAX_ROWS),
                                   status="EINVAL")
    if t1 == t0:
        return None, None, [t0] * n, 0.0
    grid = [t0 + (t1 - t0) * i / (n - 1) for i in range(n)]
    grid[-1] = t1
    return None, None, grid, 0.0
