#!/usr/bin/env python3
"""test_sedml.py -- `muskx sedml` and `muskx omex` (issue 20) against
closed forms and published values, and the refusals of what is not
supported.

  decay.sedml      A(t) = 1.5 exp(-0.5 t) after changeAttribute k = 0.5;
                   2A (a MathML data generator) and the flux 0.5 A
  scan.sedml       steady state of synthesis/degradation X* = k0/k1 over a
                   vectorRange of k1, and X(t) = k0/k1 + (1 - k0/k1)
                   exp(-k1 t) over a uniformRange (SED-ML L1V4)
  komarova2003     the shipped SBML model: the steady state equals the
                   paper's closed form (x1bar, x2bar, Komarova et al. 2003
                   Appendix), and Fig. 2's remodeling cycle restores the
                   bone mass z to 100 % within 0.1 % at day 1000
  an OMEX archive  built here from decay.sedml, run with `muskx omex`;
                   outputs in DIR/decay.sedml/; a zip-slip entry refused
  MathML           data generators with rational and e-notation numbers,
                   a logbase and a root's degree against closed forms; bad
                   numbers and arities refused at their line

Prints one line per check, then "N passed, N failed" (run by make test).
"""
import csv
import math
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
MUSKX = os.environ.get("MUSKX_BIN", os.path.join(ROOT, "build", "muskx"))
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, detail))


def run(*args):
    env = dict(os.environ)
    env["MUSKX_ALLOW_PATH"] = ROOT   # komarova2003.sedml names ../../models
    return subprocess.run([MUSKX] + list(args), capture_output=True,
                          text=True, errors="replace", env=env)


def table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    return {h: [float(r[j]) for r in body if r[j] != ""]
            for j, h in enumerate(head)}


def close(a, b, tol):
    return abs(a - b) <= tol * (1 + abs(b))


def test_decay(out):
    p = run("sedml", os.path.join(HERE, "decay.sedml"), "-o", out)
    check("decay.sedml runs", p.returncode == 0, p.stderr)
    if p.returncode:
        return
    t = table(os.path.join(out, "report.csv"))
    check("decay: 21 rows from 0 to 10", t["time"] == [0.5 * i for i in range(21)],
          t["time"])
    worst = max(abs(a - 1.5 * math.exp(-0.5 * s)) for s, a in zip(t["time"], t["A"]))
    check("decay: A = 1.5 exp(-0.5 t) (changeAttribute k = 0.5)", worst < 1e-7,
          "worst %.3g" % worst)
    check("decay: 2A and the flux 0.5 A",
          all(close(b, 2 * a, 1e-14) and close(v, 0.5 * a, 1e-12)
              for a, b, v in zip(t["A"], t["2A"], t["flux"])))
    png = os.path.join(out, "plot.png")
    if os.path.exists(png):
        with open(png, "rb") as f:
            check("decay: plot.png is a PNG", f.read(8) == b"\x89PNG\r\n\x1a\n")


def test_scan(out):
    p = run("sedml", os.path.join(HERE, "scan.sedml"), "-o", out)
    check("scan.sedml runs", p.returncode == 0, p.stderr)
    if p.returncode:
        return
    s = table(os.path.join(out, "steady.csv"))
    ks = [s["k1[%d]" % i][0] for i in range(4)]
    xs = [s["X[%d]" % i][0] for i in range(4)]
    check("scan: k1 over the vectorRange", ks == [0.5, 1, 2, 4], ks)
    check("scan: steady state X* = k0/k1", all(close(x, 2.0 / k, 1e-8)
                                               for x, k in zip(xs, ks)), xs)
    c = table(os.path.join(out, "courses.csv"))
    ok = c["time[0]"] == [1, 2, 3]
    for r, k in enumerate([0.5, 2.0]):
        for t, x in zip(c["time[%d]" % r], c["X[%d]" % r]):
            ok &= close(x, 2 / k + (1 - 2 / k) * math.exp(-k * t), 1e-7)
    check("scan: time courses over the uniformRange (outputStartTime 1)", ok, c)


def test_komarova(out):
    p = run("sedml", os.path.join(HERE, "komarova2003.sedml"), "-o", out)
    check("komarova2003.sedml runs", p.returncode == 0, p.stderr)
    if p.returncode:
        return
    s = table(os.path.join(out, "steady.csv"))
    check("komarova: steady state is the Appendix's closed form",
          close(s["x1/x1bar"][0], 1, 1e-8) and close(s["x2/x2bar"][0], 1, 1e-8), s)
    c = table(os.path.join(out, "cycle.csv"))
    check("komarova: Fig. 2 cycle dips, then restores z to 100 % +- 0.1",
          min(c["z"]) < 99.0 and abs(c["z"][-1] - 100) < 0.1 and c["time"][-1] == 1000,
          "min %.3f, end %.4f" % (min(c["z"]), c["z"][-1]))


MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<omexManifest xmlns="http://identifiers.org/combine.specifications/omex-manifest">
  <content location="." format="http://identifiers.org/combine.specifications/omex"/>
  <content location="./decay.sedml" format="http://identifiers.org/combine.specifications/sed-ml" master="true"/>
  <content location="./decay.yaml" format="http://purl.org/NET/mediatypes/application/x-yaml"/>
</omexManifest>
"""


def test_omex(tmp):
    arc = os.path.join(tmp, "decay.omex")
    with zipfile.ZipFile(arc, "w") as z:
        z.writestr("manifest.xml", MANIFEST)
        z.write(os.path.join(HERE, "decay.sedml"), "decay.sedml")
        z.write(os.path.join(HERE, "decay.yaml"), "decay.yaml")
    out = os.path.join(tmp, "omex-out")
    p = run("omex", arc, "-o", out)
    check("omex: runs the archive's SED-ML", p.returncode == 0, p.stderr)
    rep = os.path.join(out, "decay.sedml", "report.csv")
    if os.path.exists(rep):
        t = table(rep)
        check("omex: report in DIR/decay.sedml/ matches the closed form",
              close(t["A"][-1], 1.5 * math.exp(-5.0), 1e-6), t["A"][-1])
    else:
        check("omex: report in DIR/decay.sedml/", False, os.listdir(out))
    evil = os.path.join(tmp, "evil.omex")
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("manifest.xml", MANIFEST)
        z.writestr("../escaped.txt", "x")
    p = run("omex", evil, "-o", os.path.join(tmp, "evil-out"))
    check("omex: an entry with .. is refused", p.returncode == 1 and
          "would leave the folder" in p.stderr and
          not os.path.exists(os.path.join(tmp, "escaped.txt")), p.stderr)
    sneaky = os.path.join(tmp, "sneaky.omex")
    with open(os.path.join(HERE, "decay.sedml")) as f:
        doc = f.read().replace('source="decay.yaml"',
                               'source="../../../../../../../etc/passwd"')
    with zipfile.ZipFile(sneaky, "w") as z:
        z.writestr("manifest.xml", MANIFEST)
        z.writestr("decay.sedml", doc)
    env = dict(os.environ)
    env.pop("MUSKX_ALLOW_PATH", None)
    p = subprocess.run([MUSKX, "omex", sneaky, "-o", os.path.join(tmp, "sn")],
                       capture_output=True, text=True, env=env)
    check("omex: a model source outside the archive is refused unread",
          p.returncode == 1 and "outside the document's folder" in p.stderr
          and "root:" not in p.stderr, p.stderr)
    p = run("omex", os.path.join(HERE, "decay.sedml"), "-o", os.path.join(tmp, "x"))
    check("omex: a non-zip file is refused clearly", p.returncode == 1 and
          "not a readable COMBINE archive" in p.stderr, p.stderr)


def refused(tmp, name, old, new, want, old2=None, new2=None, base="decay.sedml"):
    with open(os.path.join(HERE, base)) as f:
        text = f.read()
    assert old in text, old
    text = text.replace(old, new)
    if old2 is not None:
        assert old2 in text, old2
        text = text.replace(old2, new2)
    path = os.path.join(HERE, ".refused-%s.sedml" % name)
    try:
        with open(path, "w") as f:
            f.write(text)
        out = os.path.join(tmp, "refused-" + name)
        p = run("sedml", path, "-o", out)
        check("refused: %s (exit 1, says why with the line, writes nothing)" % name,
              p.returncode == 1 and want in p.stderr and
              ".refused-%s.sedml:" % name in p.stderr and
              not os.path.exists(os.path.join(out, "report.csv")), p.stderr)
    finally:
        os.remove(path)


TWO_A = "<apply><times/><ci>two</ci><ci>A</ci></apply>"


def test_math(tmp):
    """Data generators 2A rewritten in MathML the evaluator must get right,
    each against its closed form in A; then math that must be refused at
    its line, not read as some other number (a <cn> beside an element
    crashed the tool; 2<sep/>x was read as 2, a logbase or a root's degree
    was ignored, a rational read as e-notation, a minus of three gave NaN)."""
    with open(os.path.join(HERE, "decay.sedml")) as f:
        text = f.read()
    cases = [
        ("rational 1/4", '<apply><times/><cn type="rational"> 1 <sep/> 4 </cn>'
         '<ci>A</ci></apply>', lambda a: a / 4),
        ("e-notation 2e-1", '<apply><times/><cn type="e-notation">2<sep/>-1</cn>'
         '<ci>A</ci></apply>', lambda a: 0.2 * a),
        ("log with logbase 2", '<apply><log/><logbase><cn>2</cn></logbase>'
         '<ci>A</ci></apply>', math.log2),
        ("root with degree 3", '<apply><root/><degree><cn>3</cn></degree>'
         '<ci>A</ci></apply>', lambda a: a ** (1.0 / 3.0)),
        ("log without logbase (base 10)", '<apply><log/><ci>A</ci></apply>',
         math.log10),
    ]
    for k, (name, mathml, f) in enumerate(cases):
        path = os.path.join(HERE, ".math-%d.sedml" % k)
        try:
            with open(path, "w") as out:
                out.write(text.replace(TWO_A, mathml))
            d = os.path.join(tmp, "math-%d" % k)
            p = run("sedml", path, "-o", d)
            ok = p.returncode == 0
            if ok:
                t = table(os.path.join(d, "report.csv"))
                ok = len(t["A"]) == 21 and all(close(v, f(a), 1e-13)
                                               for a, v in zip(t["A"], t["2A"]))
            check("math: %s matches its closed form" % name, ok, p.stderr)
        finally:
            os.remove(path)
    refused(tmp, "cn-sep-beside-an-element", TWO_A,
            '<apply><times/><cn type="e-notation"><b/><sep/>2</cn><ci>A</ci></apply>',
            'a <cn type="e-notation"> that is not number<sep/>number')
    refused(tmp, "cn-exponent-not-a-number", TWO_A,
            '<apply><times/><cn type="e-notation">2<sep/>x</cn><ci>A</ci></apply>',
            'a <cn type="e-notation"> that is not number<sep/>number')
    refused(tmp, "cn-decimal-comma", TWO_A,
            "<apply><times/><cn>2,5</cn><ci>A</ci></apply>",
            "a <cn> that is not a number: '2,5'")
    refused(tmp, "minus-of-three", TWO_A,
            "<apply><minus/><ci>A</ci><ci>A</ci><ci>A</ci></apply>",
            "<minus/> with 3 arguments")
    refused(tmp, "undefined-ci", TWO_A,
            "<apply><times/><ci>three</ci><ci>A</ci></apply>",
            "'three' is not a variable or parameter of the data generator")
    refused(tmp, "vectorRange-junk", "<value>1</value>", "<value>0.5abc</value>",
            "a vectorRange value is not a number: '0.5abc'", base="scan.sedml")


def test_algorithm_warning(tmp):
    """Every task runs on CVODE: asking for Gillespie's SSA (KISAO:0000029)
    is warned about at the algorithm's line; CVODE's own id is not."""
    p = run("sedml", os.path.join(HERE, "decay.sedml"), "-o",
            os.path.join(tmp, "cvode"))
    check("algorithm: KISAO:0000019 (CVODE) runs without a warning",
          p.returncode == 0 and "warning" not in p.stderr, p.stderr)
    with open(os.path.join(HERE, "decay.sedml")) as f:
        text = f.read()
    line = text[:text.index('kisaoID="KISAO:0000019"')].count("\n") + 1
    path = os.path.join(HERE, ".ssa.sedml")
    try:
        with open(path, "w") as f:
            f.write(text.replace("KISAO:0000019", "KISAO:0000029"))
        p = run("sedml", path, "-o", os.path.join(tmp, "ssa"))
        check("algorithm: KISAO:0000029 (SSA) runs on CVODE and says so at its line",
              p.returncode == 0 and
              ".ssa.sedml:%d: warning: simulation 'sim' asks for algorithm "
              "KISAO:0000029" % line in p.stderr, p.stderr)
    finally:
        os.remove(path)


def test_refusals(tmp):
    change = ('<changeAttribute target="/sbml:sbml/sbml:model/sbml:listOfParameters/'
              'sbml:parameter[@id=\'k\']/@value" newValue="0.5"/>')
    refused(tmp, "computeChange", change,
            '<computeChange target="/sbml:sbml/sbml:model/sbml:listOfParameters/'
            'sbml:parameter[@id=\'k\']/@value"/>', "computeChange> is not supported")
    refused(tmp, "oneStep", '<uniformTimeCourse id="sim" initialTime="0" '
            'outputStartTime="0" outputEndTime="10" numberOfPoints="20">',
            '<oneStep id="sim" step="1">', "oneStep> is not supported",
            "</uniformTimeCourse>", "</oneStep>")
    refused(tmp, "plot3D", '<plot2D id="plot"', '<plot3D id="plot"',
            "plot3D> is not supported", "</plot2D>", "</plot3D>")
    refused(tmp, "unknown model name", "species[@id='A']\" taskReference",
            "species[@id='Q']\" taskReference", "'Q'")
    refused(tmp, "URN source", 'source="decay.yaml"',
            'source="urn:miriam:biomodels.db:BIOMD0000000012"', "is not supported")
    refused(tmp, "bad XML", "</sedML>", "", "not a readable XML document")


def main():
    if not os.path.exists(MUSKX):
        print("test_sedml: build/muskx is missing\n0 passed, 1 failed")
        return 1
    if run("help", "sedml").returncode != 0:
        print("test_sedml: muskx was built without SED-ML (libxml2-dev, "
              "libzip-dev)\n0 passed, 1 failed")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        test_decay(os.path.join(tmp, "decay"))
        test_scan(os.path.join(tmp, "scan"))
        test_komarova(os.path.join(tmp, "komarova"))
        test_omex(tmp)
        test_algorithm_warning(tmp)
        test_refusals(tmp)
        test_math(tmp)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
