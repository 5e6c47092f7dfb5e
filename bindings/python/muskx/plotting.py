"""plotting.py -- matplotlib plots and notebook tables of results.

matplotlib is optional (Debian: python3-matplotlib): it is imported only
when a plot is asked for, and its absence is an ImportError that says how
to install it. Every axis carries its unit: time in the model's time
unit, values in their column's unit (several units: each legend entry
says its own). Scenario runs shade their phases.
"""

import html

__all__ = ["plot_result", "plot_comparison", "plot_profiles", "html_table"]


def _pyplot():
    try:
        import matplotlib
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plotting needs matplotlib (Debian: apt-get "
                          "install python3-matplotlib; or pip install "
                          "matplotlib)") from None
    return matplotlib, plt


def _label(name, unit):
    return "%s (%s)" % (name, unit) if unit else name


def _shade_phases(ax, phases):
    """Alternate light bands over the phases, named at the top."""
    for k, (name, start, end) in enumerate(phases):
        if k % 2 == 0:
            ax.axvspan(start, end, color="0.92", zorder=0)
        ax.text((start + end) / 2.0, 1.0, name, transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize="small")


def _value_axis(ax, units):
    kinds = sorted(set(units))
    if len(kinds) == 1:
        ax.set_ylabel(kinds[0] if kinds[0] else "value")
    else:
        ax.set_ylabel("value (units in the legend)")


def _finish(fig, plt, title, show):
    """A multi-panel figure's last steps: title, layout, optional show."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if show:
        plt.show()
    return fig


def plot_result(result, columns=None, ax=None, title=None, show=False,
                shown=None, **kwargs):
    """Plots columns of a Result (or ScenarioResult) against time."""
    _, plt = _pyplot()
    names = list(columns) if columns is not None else [
        c for c in result.columns if c != "time"]
    if ax is None:
        _, ax = plt.subplots()
    scenario = hasattr(result, "phases") and hasattr(result, "shown")
    units = []
    for name in names:
        if scenario and shown is not False:
            y = result.shown(name)
            how = result.show.get(name, "value")
            unit = {"pct_change": "% change", "change": "change from t=0"}.get(
                how, result.units.get(name, ""))
        else:
            y = result[name]
            unit = result.units.get(name, "")
        units.append(unit)
        ax.plot(result.time, y, label=_label(name, unit), **kwargs)
    if scenario and result.phases:
        _shade_phases(ax, result.phases)
    ax.set_xlabel(_label("time", result.time_unit))
    _value_axis(ax, units)
    if names:
        ax.legend(fontsize="small")
    if title or getattr(result, "model_id", ""):
        ax.set_title(title or result.model_id, pad=14 if scenario else 6)
    if show:
        plt.show()
    return ax


def plot_comparison(comparison, columns=None, show=False, title=None):
    """One panel per compared column, one line per scenario, phases of the
    first scenario shaded; returns the matplotlib Figure."""
    _, plt = _pyplot()
    cols = list(columns) if columns is not None else list(comparison.columns)
    if not cols:
        raise ValueError("nothing to plot: the scenarios share no column")
    fig, axes = plt.subplots(len(cols), 1, sharex=True, squeeze=False,
                             figsize=(7, 2.6 * len(cols) + 0.6))
    first = next(iter(comparison.results.values()))
    for ax, col in zip(axes[:, 0], cols):
        for sid, r in comparison.results.items():
            ax.plot(r.time, r.shown(col), label=sid)
        how = first.show.get(col, "value")
        unit = {"pct_change": "% change", "change": "change from t=0"}.get(
            how, first.units.get(col, ""))
        ax.set_ylabel(_label(col, unit), fontsize="small")
        _shade_phases(ax, first.phases)
    axes[-1, 0].set_xlabel(_label("time", first.time_unit))
    axes[0, 0].legend(fontsize="small")
    return _finish(fig, plt, title, show)


def plot_profiles(profile, show=False, title=None):
    """One panel per parameter of a Problem.profile() result: nllh minus
    the optimum's against the parameter (on its scale), the threshold
    dashed, the interval's ends dotted, a side that does not cross
    labelled not identifiable (as `muskx fit --profile`'s profiles.png);
    returns the matplotlib Figure."""
    _, plt = _pyplot()
    profiles = profile["profiles"]
    if not profiles:
        raise ValueError("nothing to plot: the profile has no parameters")
    cols = min(3, len(profiles))
    rows = (len(profiles) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, squeeze=False,
                             figsize=(3.4 * cols, 2.8 * rows + 0.4))
    top = profile["threshold"]
    for ax, q in zip(axes.flat, profiles):
        ax.plot(q["values"], [f - profile["nllh"] for f in q["nllh"]],
                ".-", markersize=3)
        ax.axhline(top, color="0.4", linestyle="--", linewidth=0.8)
        sides, unfinished = [], []
        for end, side, how in ((q["lower"], "below", q.get("lower_end")),
                               (q["upper"], "above", q.get("upper_end"))):
            if end == end:
                ax.axvline(end, color="0.4", linestyle=":", linewidth=0.8)
            elif how in (None, "bound"):
                sides.append(side)
            else:  # max_points, failed, stopped: no statement on the data
                unfinished.append(side)
        said = (["not identifiable " + " and ".join(sides)] if sides else []) + \
            (["unfinished " + " and ".join(unfinished)] if unfinished else [])
        if said:
            ax.text(0.5, 0.95, "; ".join(said),
                    transform=ax.transAxes, ha="center", va="top",
                    fontsize="small", color="C3")
        ax.set_xlabel(q["id"] if q["scale"] == "lin"
                      else "%s (%s)" % (q["id"], q["scale"]),
                      fontsize="small")
        ax.set_ylabel("nllh - optimum", fontsize="small")
    for ax in list(axes.flat)[len(profiles):]:
        ax.set_visible(False)
    return _finish(fig, plt, title, show)


def html_table(result, head=5, tail=5):
    """An HTML table of the first and last rows, units under the names."""
    names = ["time"] + [c for c in result.columns if c != "time"]
    units = [result.time_unit] + [result.units.get(c, "")
                                  for c in names[1:]]
    n = len(result)
    rows = list(range(n)) if n <= head + tail else (
        list(range(head)) + [None] + list(range(n - tail, n)))
    out = ["<table><caption>%s</caption><thead><tr>" % html.escape(
        repr(result))]
    out += ["<th>%s<br><small>%s</small></th>" % (html.escape(c),
                                                  html.escape(u))
            for c, u in zip(names, units)]
    out.append("</tr></thead><tbody>")
    for i in rows:
        if i is None:
            out.append("<tr>%s</tr>" % ("<td>&hellip;</td>" * len(names)))
            continue
        row = result.row(i)
        out.append("<tr>%s</tr>" % "".join(
            "<td>%.6g</td>" % row[c] for c in names))
    out.append("</tbody></table>")
    return "".join(out)
