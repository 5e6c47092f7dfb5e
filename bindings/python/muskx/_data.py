"""_data.py -- shipped models and scenarios found by name, as the muskx
command finds them (muskx(1), DATA FILES): muskx.load("spaceflight"),
muskx.run_scenario("iss_exercise").

A name is looked up only when it has no "/" and no file of that name
exists. Data roots, in order: each folder of MUSKX_DATA_PATH; the data
this package carries (muskx/data/, put there by pip install from a
checkout); <sys.prefix>/share/muskx; /usr/local/share/muskx;
/usr/share/muskx; and, in a source checkout, the repository itself. In a
root R a scenario NAME is R/scenarios/NAME.yaml, a model R/models/NAME.yaml
or R/models/<group>/NAME.yaml (.xml for SBML).
"""
import os
import sys

__all__ = ["find"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def _roots():
    env = [d for d in os.environ.get("MUSKX_DATA_PATH", "").split(":") if d]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(_HERE)))
    return env + [os.path.join(_HERE, "data"),
                  os.path.join(sys.prefix, "share", "muskx"),
                  "/usr/local/share/muskx", "/usr/share/muskx", repo]


def _in(folder, name):
    exts = [""] if name.endswith((".yaml", ".xml")) else ["", ".yaml", ".xml"]
    for e in exts:
        p = os.path.join(folder, name + e)
        if os.path.isfile(p):
            return p
    return None


def find(name, kind):
    """(path, root) of the shipped model or scenario called name, or
    (None, None) when name is a path or nothing of that name is shipped."""
    name = os.fspath(name)
    if isinstance(name, bytes) or "/" in name or not name or \
            os.path.exists(name):
        return None, None
    for root in _roots():
        if kind == "scenario":
            p = _in(os.path.join(root, "scenarios"), name)
        else:
            models = os.path.join(root, "models")
            p = _in(models, name)
            if p is None and os.path.isdir(models):
                for group in sorted(os.listdir(models)):
                    sub = os.path.join(models, group)
                    if not group.startswith(".") and os.path.isdir(sub):
                        p = _in(sub, name)
                        if p:
                            break
        if p:
            return p, root
    return None, None


def with_root(allow_path, root):
    """allow_path plus the data root (scenarios name ../models)."""
    if root is None:
        return allow_path
    if allow_path is None:
        return [root]
    if isinstance(allow_path, (str, bytes, os.PathLike)):
        return [allow_path, root]
    return list(allow_path) + [root]
