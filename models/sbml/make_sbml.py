#!/usr/bin/python3
"""Writes komarova2003.xml and lemaire2004.xml (SBML Level 3 Version 2).

Written from the papers' equations, not exported from our YAML. Python 3
standard library only (xml.etree). Run from anywhere:
    /usr/bin/python3 models/sbml/make_sbml.py
Sources of every value are given in each model's <notes> and in the
parameter comments below.
"""
import os
import xml.etree.ElementTree as ET

SBML = "http://www.sbml.org/sbml/level3/version2/core"
MML = "http://www.w3.org/1998/Math/MathML"
XHTML = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", SBML)
HERE = os.path.dirname(os.path.abspath(__file__))


def S(tag):
    return "{%s}%s" % (SBML, tag)


# ---------------------------------------------------------------- MathML
# A tiny infix-free builder: math trees are nested tuples
#   ("plus", a, b, ...), ("times", ...), ("divide", a, b), ("minus", a[, b]),
#   ("power", a, b), ("piecewise", value, cond, otherwise), ("gt", a, b),
#   ("geq", a, b); str = identifier (ci), float/int = number (cn), "time"
#   is the SBML time csymbol.
def mml(node, parent):
    if isinstance(node, (int, float)):
        e = ET.SubElement(parent, "{%s}cn" % MML)
        if isinstance(node, int):
            e.set("type", "integer")
        e.text = " %r " % node
    elif node == "time":
        e = ET.SubElement(parent, "{%s}csymbol" % MML)
        e.set("encoding", "text")
        e.set("definitionURL", "http://www.sbml.org/sbml/symbols/time")
        e.text = " t "
    elif isinstance(node, str):
        e = ET.SubElement(parent, "{%s}ci" % MML)
        e.text = " %s " % node
    elif node[0] == "piecewise":
        pw = ET.SubElement(parent, "{%s}piecewise" % MML)
        pc = ET.SubElement(pw, "{%s}piece" % MML)
        mml(node[1], pc)
        mml(node[2], pc)
        ow = ET.SubElement(pw, "{%s}otherwise" % MML)
        mml(node[3], ow)
    else:
        ap = ET.SubElement(parent, "{%s}apply" % MML)
        ET.SubElement(ap, "{%s}%s" % (MML, node[0]))
        for a in node[1:]:
            mml(a, ap)


def math(parent, node):
    m = ET.SubElement(parent, "{%s}math" % MML)
    mml(node, m)


def notes(parent, paragraphs):
    n = ET.SubElement(parent, S("notes"))
    body = ET.SubElement(n, "{%s}body" % XHTML)
    for p in paragraphs:
        ET.SubElement(body, "{%s}p" % XHTML).text = p


def annotate(elem, metaid, pubmed, extra=()):
    """MIRIAM annotation: bqmodel:isDescribedBy the paper (and extra is)."""
    elem.set("metaid", metaid)
    rdfns = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    bqm = "http://biomodels.net/model-qualifiers/"
    ET.register_namespace("rdf", rdfns)
    ET.register_namespace("bqmodel", bqm)
    a = ET.SubElement(elem, S("annotation"))
    rdf = ET.SubElement(a, "{%s}RDF" % rdfns)
    d = ET.SubElement(rdf, "{%s}Description" % rdfns)
    d.set("{%s}about" % rdfns, "#" + metaid)
    for qual, uris in (("isDescribedBy", ["http://identifiers.org/pubmed/%s" % pubmed]),
                       ("isDerivedFrom", list(extra))):
        if not uris:
            continue
        q = ET.SubElement(d, "{%s}%s" % (bqm, qual))
        bag = ET.SubElement(q, "{%s}Bag" % rdfns)
        for u in uris:
            ET.SubElement(bag, "{%s}li" % rdfns).set("{%s}resource" % rdfns, u)


class Model:
    def __init__(self, mid, name):
        self.root = ET.Element(S("sbml"), {"level": "3", "version": "2"})
        self.m = ET.SubElement(self.root, S("model"),
                               {"id": mid, "name": name, "timeUnits": "day"})
        self.lists = {}

    def lst(self, name):
        if name not in self.lists:
            self.lists[name] = ET.SubElement(self.m, S(name))
        return self.lists[name]

    def units(self):
        ud = ET.SubElement(self.lst("listOfUnitDefinitions"), S("unitDefinition"),
                           {"id": "day"})
        lu = ET.SubElement(ud, S("listOfUnits"))
        ET.SubElement(lu, S("unit"), {"kind": "second", "exponent": "1",
                                     "scale": "0", "multiplier": "86400"})

    def compartment(self, cid, doc):
        c = ET.SubElement(self.lst("listOfCompartments"), S("compartment"),
                          {"id": cid, "size": "1", "constant": "true",
                           "spatialDimensions": "3"})
        notes(c, [doc])

    def species(self, sid, name, comp, init, doc, amount=True):
        attrs = {"id": sid, "name": name, "compartment": comp,
                 "hasOnlySubstanceUnits": "true" if amount else "false",
                 "boundaryCondition": "false", "constant": "false"}
        if init is not None:
            attrs["initialAmount" if amount else "initialConcentration"] = repr(init)
        s = ET.SubElement(self.lst("listOfSpecies"), S("species"), attrs)
        notes(s, [doc])

    def param(self, pid, value, doc, constant=True):
        attrs = {"id": pid, "constant": "true" if constant else "false"}
        if value is not None:
            attrs["value"] = repr(float(value))
        p = ET.SubElement(self.lst("listOfParameters"), S("parameter"), attrs)
        notes(p, [doc])

    def init(self, sym, node):
        ia = ET.SubElement(self.lst("listOfInitialAssignments"),
                           S("initialAssignment"), {"symbol": sym})
        math(ia, node)

    def assign(self, var, node):
        r = ET.SubElement(self.lst("listOfRules"), S("assignmentRule"),
                          {"variable": var})
        math(r, node)

    def rate(self, var, node):
        r = ET.SubElement(self.lst("listOfRules"), S("rateRule"),
                          {"variable": var})
        math(r, node)

    def write(self, fname):
        # order the lists as SBML requires
        order = ["listOfUnitDefinitions", "listOfCompartments", "listOfSpecies",
                 "listOfParameters", "listOfInitialAssignments", "listOfRules"]
        for name in order:
            if name in self.lists:
                self.m.remove(self.lists[name])
        for name in order:
            if name in self.lists:
                self.m.append(self.lists[name])
        ET.indent(self.root, "  ")
        path = os.path.join(HERE, fname)
        with open(path, "wb") as f:
            ET.ElementTree(self.root).write(f, encoding="UTF-8",
                                            xml_declaration=True)
            f.write(b"\n")
        print("wrote", path)


# ====================================================================== Komarova
def komarova():
    M = Model("komarova2003", "Komarova 2003 osteoclast-osteoblast S-system "
              "with bone mass (Fig. 2, single remodeling cycle)")
    notes(M.m, [
        "Komarova SV, Smith RJ, Dixon SJ, Sims SM, Wahl LM (2003) Mathematical "
        "model predicts a critical role for osteoclast autocrine regulation in "
        "the control of bone remodeling. Bone 33(2):206-215. PMID 14499354.",
        "Equations (main text and Appendix): dx1/dt = alpha1 x1^g11 x2^g21 - "
        "beta1 x1; dx2/dt = alpha2 x1^g12 x2^g22 - beta2 x2; dz/dt = -k1 y1 + "
        "k2 y2 with y_i = max(x_i - xbar_i, 0). x1 osteoclasts, x2 "
        "osteoblasts (cells at one remodeling site), z bone mass (% of "
        "initial), time in days.",
        "Steady state (Appendix): Gamma = g12 g21 - (1-g11)(1-g22); xbar1 = "
        "(beta1/alpha1)^((1-g22)/Gamma) (beta2/alpha2)^(g21/Gamma); xbar2 = "
        "(beta1/alpha1)^(g12/Gamma) (beta2/alpha2)^((1-g11)/Gamma) (the printed "
        "A2 reads 1 - g11/Gamma; corrected as in BioModels BIOMD0000000148). "
        "They are initial assignments here.",
        "Fig. 2 protocol: the system starts at the steady state and an external "
        "stimulus adds 10 osteoclasts at t = 0, encoded as the initial value "
        "x1(0) = xbar1 + dx1 with dx1 = 10; x2(0) = xbar2, z(0) = 100. Set "
        "dx1 = 0 to stay at the steady state.",
        "Parameter values (Fig. 2 set) as encoded in BioModels BIOMD0000000148 "
        "(Komarova2003_BoneRemodeling, curated) and BIOMD0000000401 (Ayati et "
        "al. 2010), read in the sys-bio/temp-biomodels mirror; the paper's "
        "tables could not be read by the author of this file. Written by hand "
        "from the equations for libmuskx (models/sbml/make_sbml.py).",
    ])
    annotate(M.m, "komarova2003", "14499354",
             ["http://identifiers.org/biomodels.db/BIOMD0000000148"])
    M.units()
    M.compartment("site", "one bone remodeling site (size 1: x1, x2 are "
                  "cell numbers)")
    M.species("x1", "osteoclasts", "site", None,
              "osteoclasts at the site; initial assignment xbar1 + dx1 (Fig. 2)")
    M.species("x2", "osteoblasts", "site", None,
              "osteoblasts at the site; initial assignment xbar2")
    P = [("alpha1", 3.0, "osteoclast production rate (1/day); BIOMD0000000148: 3"),
         ("alpha2", 4.0, "osteoblast production rate (1/day); BIOMD0000000148: 4"),
         ("beta1", 0.2, "osteoclast removal rate (1/day); BIOMD0000000148: 0.2"),
         ("beta2", 0.02, "osteoblast removal rate (1/day); BIOMD0000000148: 0.02"),
         ("g11", 0.5, "osteoclast autocrine exponent; 0.5 in Fig. 2 "
          "(BIOMD0000000148)"),
         ("g12", 1.0, "osteoclast paracrine effect on osteoblasts; "
          "BIOMD0000000148: 1"),
         ("g21", -0.5, "osteoblast paracrine effect on osteoclasts; "
          "BIOMD0000000148: -0.5"),
         ("g22", 0.0, "osteoblast autocrine exponent; BIOMD0000000148: 0"),
         ("k1", 0.24, "bone resorbed per osteoclast above steady state "
          "(%/(cell day)); BIOMD0000000148: 0.24"),
         ("k2", 0.0017, "bone formed per osteoblast above steady state "
          "(%/(cell day)); BIOMD0000000148: 0.0017"),
         ("dx1", 10.0, "osteoclasts added at t = 0 by the external stimulus "
          "(Fig. 2); 0 leaves the system at its steady state"),
         ("z0", 100.0, "initial bone mass, %")]
    for pid, v, doc in P:
        M.param(pid, v, doc)
    M.param("Gamma", None, "g12 g21 - (1-g11)(1-g22) (Appendix); initial "
            "assignment")
    M.param("x1bar", None, "steady state of x1 (Appendix); initial assignment")
    M.param("x2bar", None, "steady state of x2 (Appendix, A2 corrected); "
            "initial assignment")
    M.param("z", None, "bone mass, % of initial (rate rule)", constant=False)
    M.param("y1", None, "max(x1 - xbar1, 0): osteoclasts above steady state, "
            "the resorbing excess", constant=False)
    M.param("y2", None, "max(x2 - xbar2, 0): osteoblasts above steady state, "
            "the forming excess", constant=False)
    M.init("Gamma", ("minus", ("times", "g12", "g21"),
                     ("times", ("minus", 1, "g11"), ("minus", 1, "g22"))))
    M.init("x1bar", ("times",
                     ("power", ("divide", "beta1", "alpha1"),
                      ("divide", ("minus", 1, "g22"), "Gamma")),
                     ("power", ("divide", "beta2", "alpha2"),
                      ("divide", "g21", "Gamma"))))
    M.init("x2bar", ("times",
                     ("power", ("divide", "beta1", "alpha1"),
                      ("divide", "g12", "Gamma")),
                     ("power", ("divide", "beta2", "alpha2"),
                      ("divide", ("minus", 1, "g11"), "Gamma"))))
    M.init("x1", ("plus", "x1bar", "dx1"))
    M.init("x2", "x2bar")
    M.init("z", "z0")
    M.assign("y1", ("piecewise", ("minus", "x1", "x1bar"),
                    ("gt", "x1", "x1bar"), 0))
    M.assign("y2", ("piecewise", ("minus", "x2", "x2bar"),
                    ("gt", "x2", "x2bar"), 0))
    M.rate("x1", ("minus",
                  ("times", "alpha1", ("power", "x1", "g11"),
                   ("power", "x2", "g21")),
                  ("times", "beta1", "x1")))
    M.rate("x2", ("minus",
                  ("times", "alpha2", ("power", "x1", "g12"),
                   ("power", "x2", "g22")),
                  ("times", "beta2", "x2")))
    M.rate("z", ("plus", ("times", ("minus", "k1"), "y1"),
                 ("times", "k2", "y2")))
    M.write("komarova2003.xml")


# ====================================================================== Lemaire
def lemaire():
    M = Model("lemaire2004", "Lemaire 2004 osteoblast-osteoclast model with "
              "TGF-beta and RANK/RANKL/OPG/PTH regulation")
    notes(M.m, [
        "Lemaire V, Tobin FL, Greller LD, Cho CR, Suva LJ (2004) Modeling the "
        "interactions between osteoblast and osteoclast activities in bone "
        "remodeling. J Theor Biol 229(3):293-309. PMID 15234198, "
        "doi:10.1016/j.jtbi.2004.03.023.",
        "States (pM): R responding osteoblasts, B active osteoblasts, C active "
        "osteoclasts; time in days. dR/dt = D_R pi_C - D_B R/pi_C; dB/dt = "
        "D_B R/pi_C - k_B B; dC/dt = D_C pi_L - D_A pi_C C, where D_B = f0 d_B; "
        "pi_C = (C + f0 C_s)/(C + C_s) is the TGF-beta (osteoclast-derived) "
        "activation; pi_P = (I_P/k_P + S_P/k_P)/(I_P/k_P + k6/k5) the PTH "
        "receptor occupancy; pi_L = (k3/k4) K_L^P pi_P B / (1 + k3 K/k4 + "
        "k1/(k2 kO) (I_O + K_O^P R/pi_P)) (1 + I_L/r_L) the RANK occupancy by "
        "RANKL with OPG as decoy. I_P, I_O, I_L: external PTH, OPG, RANKL "
        "doses.",
        "Parameter values and the baseline steady state R = 7.734e-4, B = "
        "7.282e-4, C = 9.127e-4 pM read in the curated BioModels entry "
        "BIOMD0000000278 (Lemaire2004, V. Chelliah, F. Tobin, V. Lemaire; "
        "sys-bio/temp-biomodels mirror, BIOMD0000000278.xpp and "
        "BIOMD0000000278_url.xml). The paper's tables were not read by the "
        "author of this file.",
        "Dosing (Lemaire 2004 Fig. 2, RANKL then OPG panel; curated as "
        "lemaire04_addOPG_addRANKL in BIOMD0000000278): RANKL infusion "
        "I_L = 1e4 pM/day from day 20, OPG infusion I_O = 9e4 pM/day from "
        "day 80, simulated to day 140. Set IL_dose = IO_dose = 0 for the "
        "undisturbed steady state. Written by hand from the equations for "
        "libmuskx (models/sbml/make_sbml.py).",
    ])
    annotate(M.m, "lemaire2004", "15234198",
             ["http://identifiers.org/biomodels.db/BIOMD0000000278"])
    M.units()
    M.compartment("bone", "bone micro-environment (concentrations in pM)")
    M.species("R", "responding osteoblasts", "bone", 7.734e-4,
              "pM; initial value = published steady state (BIOMD0000000278)",
              amount=False)
    M.species("B", "active osteoblasts", "bone", 7.282e-4,
              "pM; published steady state 7.282e-4", amount=False)
    M.species("C", "active osteoclasts", "bone", 9.127e-4,
              "pM; published steady state 9.127e-4", amount=False)
    P = [("D_R", 7e-4, "differentiation rate of osteoblast progenitors "
          "(pM/day); BIOMD0000000278: 7.0e-4"),
         ("f0", 0.05, "fixed proportion in the TGF-beta activation "
          "(dimensionless); BIOMD0000000278: 0.05"),
         ("d_B", 0.7, "differentiation rate of responding osteoblasts "
          "(1/day); BIOMD0000000278: 0.7"),
         ("C_s", 5e-3, "osteoclast value for half-maximal TGF-beta effect "
          "(pM); BIOMD0000000278: 0.005"),
         ("D_A", 0.7, "osteoclast apoptosis rate due to TGF-beta (1/day); "
          "BIOMD0000000278: 0.7"),
         ("k_B", 0.189, "elimination rate of active osteoblasts (1/day); "
          "BIOMD0000000278: 0.189"),
         ("D_C", 2.1e-3, "differentiation rate of osteoclast precursors "
          "(pM/day); BIOMD0000000278: 0.0021"),
         ("K_L_P", 3e6, "maximal RANKL per osteoblast (K_L^P); "
          "BIOMD0000000278: 3e6"),
         ("k1", 1e-2, "OPG-RANKL association (1/(pM day)); BIOMD0000000278: "
          "0.01"),
         ("k2", 10.0, "OPG-RANKL dissociation (1/day); BIOMD0000000278: 10"),
         ("k3", 5.8e-4, "RANK-RANKL association (1/(pM day)); "
          "BIOMD0000000278: 5.8e-4"),
         ("k4", 1.7e-2, "RANK-RANKL dissociation (1/day); BIOMD0000000278: "
          "0.017"),
         ("K", 10.0, "fixed RANK concentration (pM); BIOMD0000000278: 10"),
         ("kO", 0.35, "OPG elimination rate (1/day); BIOMD0000000278: 0.35"),
         ("K_O_P", 2e5, "OPG production per responding osteoblast (K_O^P); "
          "BIOMD0000000278: 2e5"),
         ("r_L", 1e3, "RANKL production/elimination scale (r_L); "
          "BIOMD0000000278: 1000"),
         ("k5", 0.02, "PTH-receptor association (1/(pM day)); "
          "BIOMD0000000278: 0.02"),
         ("k6", 3.0, "PTH-receptor dissociation (1/day); BIOMD0000000278: 3"),
         ("S_P", 250.0, "endogenous PTH production (pM/day); "
          "BIOMD0000000278: 250"),
         ("k_P", 86.0, "PTH elimination rate (1/day); BIOMD0000000278: 86"),
         ("I_P", 0.0, "external PTH dose rate (pM/day); 0 at baseline"),
         ("IL_dose", 1e4, "external RANKL dose rate from t_L on (pM/day); "
          "1e4 in lemaire04_addOPG_addRANKL (Fig. 2)"),
         ("t_L", 20.0, "day the RANKL infusion starts (Fig. 2 curation: 20)"),
         ("IO_dose", 9e4, "external OPG dose rate from t_O on (pM/day); "
          "9e4 in lemaire04_addOPG_addRANKL (Fig. 2)"),
         ("t_O", 80.0, "day the OPG infusion starts (Fig. 2 curation: 80)")]
    for pid, v, doc in P:
        M.param(pid, v, doc)
    for pid, doc in [("D_B", "f0 d_B: responding-osteoblast differentiation "
                      "(1/day)"),
                     ("pi_C", "TGF-beta activation function (C + f0 C_s)/(C + C_s)"),
                     ("pi_P", "PTH receptor occupancy"),
                     ("pi_L", "RANK occupancy by RANKL (RANKL/OPG/PTH)"),
                     ("I_L", "external RANKL dose rate at time t (pM/day)"),
                     ("I_O", "external OPG dose rate at time t (pM/day)")]:
        M.param(pid, None, doc, constant=False)
    M.assign("D_B", ("times", "f0", "d_B"))
    M.assign("pi_C", ("divide", ("plus", "C", ("times", "f0", "C_s")),
                      ("plus", "C", "C_s")))
    M.assign("pi_P", ("divide",
                      ("plus", ("divide", "I_P", "k_P"), ("divide", "S_P", "k_P")),
                      ("plus", ("divide", "I_P", "k_P"), ("divide", "k6", "k5"))))
    M.assign("I_L", ("piecewise", "IL_dose", ("geq", "time", "t_L"), 0))
    M.assign("I_O", ("piecewise", "IO_dose", ("geq", "time", "t_O"), 0))
    M.assign("pi_L", ("times",
                      ("divide",
                       ("times", ("divide", "k3", "k4"), "K_L_P", "pi_P", "B"),
                       ("plus", 1, ("divide", ("times", "k3", "K"), "k4"),
                        ("times", ("divide", "k1", ("times", "k2", "kO")),
                         ("plus", "I_O",
                          ("divide", ("times", "K_O_P", "R"), "pi_P"))))),
                      ("plus", 1, ("divide", "I_L", "r_L"))))
    M.rate("R", ("minus", ("times", "D_R", "pi_C"),
                 ("divide", ("times", "D_B", "R"), "pi_C")))
    M.rate("B", ("minus", ("divide", ("times", "D_B", "R"), "pi_C"),
                 ("times", "k_B", "B")))
    M.rate("C", ("minus", ("times", "D_C", "pi_L"),
                 ("times", "D_A", "pi_C", "C")))
    M.write("lemaire2004.xml")


if __name__ == "__main__":
    komarova()
    lemaire()
