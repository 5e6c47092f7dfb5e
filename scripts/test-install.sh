#!/usr/bin/env bash
# test-install.sh -- checks that an installed libmuskx works for a user:
# `make install DESTDIR=<tmp>` lays out every file, and a small program
# outside the tree builds and gives the right answer when linked
#   1. through pkg-config against the shared library (libmuskx.so.N),
#   2. through pkg-config --static against libmuskx.a,
#   3. through CMake's find_package(muskx) with muskx::muskx and
#      muskx::muskx_static (and a too-new version is refused);
#   4. from a private prefix without LD_LIBRARY_PATH (the rpath that
#      muskx.pc puts in Libs), and the installed muskx finds the shipped
#      models and scenarios by name, from another folder (share/muskx/);
#   5. `pip install ./bindings/python` into a fresh venv (no network:
#      Debian's setuptools, --no-build-isolation --no-index) leaves no
#      build/ or egg-info in the tree, and `import muskx` then works without
#      MUSKX_LIBRARY (bundled libmuskx.so; muskx.load("spaceflight") finds
#      the bundled models by name), as does a pure-Python wheel
#      (MUSKX_BUNDLE_LIBRARY=0) finding the private prefix via pkg-config.
#
#   scripts/test-install.sh            (from anywhere; uses the repo's make)
#
# Environment: MAKE (default make), CC (default cc), PREFIX (passed on to
# make install; default the Makefile's /usr/local). Nothing outside a
# temporary directory is touched; it is removed at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
make_cmd=${MAKE:-make}
cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/muskx-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage

step() { printf 'test-install: %s\n' "$*"; }
fail() { printf 'test-install: FAILED: %s\n' "$*" >&2; exit 1; }

step "make install DESTDIR=$stage"
"$make_cmd" -C "$root" --no-print-directory install DESTDIR="$stage" \
  > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "make install"; }

pc=$(find "$stage" -name muskx.pc -path '*/lib/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || fail "no lib/pkgconfig/muskx.pc under $stage"
prefix=$(sed -n 's/^prefix=//p' "$pc")
dest=$stage$prefix
version=$(sed -n 's/^Version: *//p' "$pc")
major=${version%%.*}
step "installed prefix $prefix, version $version"

for f in "lib/libmuskx.so.$version" "lib/libmuskx.so.$major" lib/libmuskx.so \
         lib/libmuskx.a include/muskx.h lib/pkgconfig/muskx.pc \
         lib/cmake/muskx/muskxConfig.cmake \
         lib/cmake/muskx/muskxConfigVersion.cmake; do
  [ -e "$dest/$f" ] || fail "missing $prefix/$f"
done
if compgen -G "$root/cli/*.c" > /dev/null; then
  [ -x "$dest/bin/muskx" ] || fail "missing $prefix/bin/muskx"
fi
for page in "$root"/man/man[135]/*.[135]; do
  [ -e "$page" ] || continue
  rel=${page#"$root"/man/}
  [ -e "$dest/share/man/$rel" ] || fail "missing $prefix/share/man/$rel"
done
# Outputs are captured before matching: with pipefail, `cmd | grep -q`
# fails when grep exits early and cmd dies of SIGPIPE.
soname=$(readelf -d "$dest/lib/libmuskx.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libmuskx.so.$major" ] || fail "soname is '$soname', not libmuskx.so.$major"
step "files, links and soname ($soname) are in place"

# A user's program: the public header only, a model from a string,
# first-order decay A(t) = 2 exp(-0.7 t) checked against the formula.
mkdir -p "$tmp/src"
cat > "$tmp/src/consumer.c" <<'EOF'
/* consumer.c -- a program outside the tree that uses an installed libmuskx. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <muskx.h>

static const char model_text[] =
    "muskx: 1\n"
    "model:\n"
    "  id: decay\n"
    "parameters:\n"
    "  k: 0.7\n"
    "species:\n"
    "  A: 2.0\n"
    "reactions:\n"
    "  - id: r1\n"
    "    equation: A ->\n"
    "    rate: k*A\n";

int main(void) {
  muskx_error err;
  muskx_model *model = NULL;
  muskx_sim *sim = NULL;
  double times[4] = {0.0, 1.0, 2.5, 10.0};
  double out[4];
  size_t rows = 0;
  int i, ok = 1;
  char buf[2048];

  if (strcmp(muskx_version_string(), MUSKX_EXPECTED_VERSION) != 0) {
    fprintf(stderr, "version %s, expected %s\n", muskx_version_string(),
            MUSKX_EXPECTED_VERSION);
    return 1;
  }
  if (muskx_model_load_string(model_text, strlen(model_text), "consumer",
                              &model, &err) != MUSKX_OK) {
    fprintf(stderr, "%s\n", muskx_error_format(&err, buf, sizeof buf));
    return 1;
  }
  if (muskx_sim_create(model, &sim) != MUSKX_OK || muskx_sim_ncols(sim) != 1 ||
      muskx_sim_set_tolerances(sim, 1e-8, 1e-12) != MUSKX_OK ||
      muskx_sim_run(sim, times, 4, out, &rows) != MUSKX_OK || rows != 4) {
    fprintf(stderr, "run failed: %s\n", sim ? muskx_sim_errmsg(sim) : "");
    ok = 0;
  }
  for (i = 0; ok && i < 4; i++) {
    double ref = 2.0 * exp(-0.7 * times[i]);
    if (fabs(out[i] - ref) > 1e-10 + 1e-5 * ref) {
      fprintf(stderr, "A(%g) = %.10g, expected %.10g\n", times[i], out[i], ref);
      ok = 0;
    }
  }
  muskx_sim_free(sim);
  muskx_model_free(model);
  if (ok) printf("consumer: libmuskx %s ok\n", muskx_version_string());
  return ok ? 0 : 1;
}
EOF

pkgconf() {
  PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$dest/lib/pkgconfig \
    pkg-config "$@"
}
cflags=$(pkgconf --cflags muskx) || fail "pkg-config --cflags muskx"
libs=$(pkgconf --libs muskx) || fail "pkg-config --libs muskx"
static_libs=$(pkgconf --static --libs-only-other --libs-only-l muskx |
  sed 's/-lmuskx\b//')
ccflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror "-DMUSKX_EXPECTED_VERSION=\"$version\"")
read -r -a cflags_a <<< "$cflags"
read -r -a libs_a <<< "$libs"
read -r -a static_a <<< "$static_libs"

step "pkg-config, shared: $cc consumer.c ${cflags} ${libs}"
"$cc" "${ccflags[@]}" "${cflags_a[@]}" "$tmp/src/consumer.c" -o "$tmp/consumer_shared" \
  "${libs_a[@]}" -lm || fail "building against libmuskx.so via pkg-config"
needs() { # needs BINARY LIBRARY: BINARY has LIBRARY as a NEEDED entry
  local dyn
  dyn=$(readelf -d "$1")
  [[ $dyn == *"(NEEDED)"*"[$2]"* ]]
}
needs "$tmp/consumer_shared" "libmuskx.so.$major" ||
  fail "consumer_shared does not load libmuskx.so.$major"
LD_LIBRARY_PATH=$dest/lib "$tmp/consumer_shared" || fail "consumer_shared"
resolved=$(LD_LIBRARY_PATH=$dest/lib ldd "$tmp/consumer_shared")
if [[ $resolved == *"libmuskx.so.$major => $dest/lib/"* ]]; then
  step "consumer_shared used $prefix/lib/libmuskx.so.$major from the staged tree"
else
  fail "consumer_shared did not resolve libmuskx.so.$major to the staged tree"
fi

step "pkg-config --static: libmuskx.a ${static_libs}"
"$cc" "${ccflags[@]}" "${cflags_a[@]}" "$tmp/src/consumer.c" -o "$tmp/consumer_static" \
  "$dest/lib/libmuskx.a" "${static_a[@]}" || fail "building against libmuskx.a"
if needs "$tmp/consumer_static" "libmuskx.so.$major"; then
  fail "consumer_static still needs libmuskx.so"
fi
"$tmp/consumer_static" || fail "consumer_static"

if ! command -v cmake > /dev/null; then
  fail "cmake is not installed (scripts/install-deps.sh installs it)"
fi
cat > "$tmp/src/CMakeLists.txt" <<EOF
# A CMake project outside the tree that finds the installed libmuskx.
cmake_minimum_required(VERSION 3.13)
project(muskx_consumer C)
find_package(muskx 99.0 QUIET)
if(muskx_FOUND)
  message(FATAL_ERROR "find_package(muskx 99.0) accepted version \${muskx_VERSION}")
endif()
find_package(muskx $version REQUIRED)
add_executable(consumer_cmake consumer.c)
target_compile_definitions(consumer_cmake PRIVATE MUSKX_EXPECTED_VERSION="$version")
target_link_libraries(consumer_cmake PRIVATE muskx::muskx m)
add_executable(consumer_cmake_static consumer.c)
target_compile_definitions(consumer_cmake_static PRIVATE MUSKX_EXPECTED_VERSION="$version")
target_link_libraries(consumer_cmake_static PRIVATE muskx::muskx_static)
EOF
step "cmake: find_package(muskx $version) with CMAKE_PREFIX_PATH=$dest"
if ! CC=$cc cmake -S "$tmp/src" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$dest" \
     -DCMAKE_BUILD_TYPE=Release > "$tmp/cmake.log" 2>&1 ||
   ! cmake --build "$tmp/cmake-build" >> "$tmp/cmake.log" 2>&1; then
  cat "$tmp/cmake.log"
  fail "CMake consumer project"
fi
LD_LIBRARY_PATH=$dest/lib "$tmp/cmake-build/consumer_cmake" || fail "consumer_cmake"
needs "$tmp/cmake-build/consumer_cmake" "libmuskx.so.$major" ||
  fail "consumer_cmake does not load libmuskx.so.$major"
"$tmp/cmake-build/consumer_cmake_static" || fail "consumer_cmake_static"

# ---- 4. a private prefix: rpath and the shipped data found by name.
# The staged tree is the private prefix: muskx.pc rewritten to point at it
# is exactly what `make install PREFIX=$dest` writes.
for f in share/muskx/scenarios/iss_exercise.yaml \
         share/muskx/models/crosstalk/spaceflight.yaml \
         share/muskx/models/drugs/denosumab.yaml; do
  [ -e "$dest/$f" ] || fail "missing $prefix/$f"
done
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$dest|" "$pc" > "$tmp/pc/muskx.pc"
private_libs=$(PKG_CONFIG_PATH=$tmp/pc pkg-config --libs muskx)
read -r -a private_a <<< "$private_libs"
step "private prefix: $cc consumer.c $private_libs (no LD_LIBRARY_PATH)"
"$cc" "${ccflags[@]}" "${cflags_a[@]}" "$tmp/src/consumer.c" -o "$tmp/consumer_private" \
  "${private_a[@]}" -lm || fail "building against the private prefix"
env -u LD_LIBRARY_PATH "$tmp/consumer_private" ||
  fail "consumer_private does not run without LD_LIBRARY_PATH (rpath)"
resolved=$(env -u LD_LIBRARY_PATH ldd "$tmp/consumer_private")
[[ $resolved == *"libmuskx.so.$major => $dest/lib/"* ]] ||
  fail "consumer_private did not find libmuskx.so.$major in $dest/lib by its rpath"

if [ -x "$dest/bin/muskx" ]; then
  mkdir -p "$tmp/elsewhere"
  # <exe>/../share/muskx: the installed tool finds its data wherever it is.
  out=$(cd "$tmp/elsewhere" && env -u MUSKX_ALLOW_PATH -u MUSKX_DATA_PATH \
    "$dest/bin/muskx" check spaceflight 2>&1) || fail "muskx check spaceflight: $out"
  [[ $out == "spaceflight: ok"* ]] || fail "muskx check spaceflight said: $out"
  out=$(cd "$tmp/elsewhere" && env -u MUSKX_ALLOW_PATH -u MUSKX_DATA_PATH \
    "$dest/bin/muskx" run iss_exercise 2>&1) || fail "muskx run iss_exercise: $out"
  [[ $out == *"model 'spaceflight'"*BMD_wb_pct* ]] ||
    fail "muskx run iss_exercise printed no BMD_wb_pct: $out"
  # MUSKX_DATA_PATH comes first: a private data folder shadows the shipped one.
  mkdir -p "$tmp/mydata/models"
  printf 'muskx: 1\nmodel:\n  id: mine\nspecies:\n  A: 1\n' \
    > "$tmp/mydata/models/spaceflight.yaml"
  out=$(cd "$tmp/elsewhere" && MUSKX_DATA_PATH=$tmp/mydata \
    "$dest/bin/muskx" check spaceflight 2>&1) || fail "MUSKX_DATA_PATH: $out"
  [[ $out == *"ok (1 species"* ]] || fail "MUSKX_DATA_PATH was not searched first: $out"
  if out=$(cd "$tmp/elsewhere" && "$dest/bin/muskx" check no_such_model 2>&1); then
    fail "muskx check no_such_model succeeded"
  fi
  [[ $out == *MUSKX_DATA_PATH* ]] || fail "an unknown name does not say where it looked: $out"
  step "private prefix: rpath, and 'muskx run iss_exercise' found its data by name"
fi

# ---- 5. pip install ./bindings/python into a fresh venv.
python=${PYTHON:-/usr/bin/python3}
if ! "$python" -c 'import setuptools, venv' 2> /dev/null; then
  fail "$python has no setuptools/venv (Debian: python3-setuptools python3-venv)"
fi
"$python" -m venv --system-site-packages "$tmp/venv" || fail "python3 -m venv"
tree_state() {
  if cd "$root" 2> /dev/null; then
    git status --porcelain --ignored bindings/python 2> /dev/null || true
    cd - > /dev/null || true
  fi
}
before=$(tree_state)
step "pip install --no-build-isolation --no-index ./bindings/python"
(cd "$tmp" && "$tmp/venv/bin/pip" install -q --no-build-isolation --no-index \
  "$root/bindings/python") > "$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; fail "pip install"; }
after=$(tree_state)
[ "$before" = "$after" ] || fail "pip install changed the tree: $after"
[ ! -e "$root/bindings/python/build" ] || fail "pip left bindings/python/build"
cat > "$tmp/decay.py" <<'PYEOF'
# import muskx from the venv, away from the tree; A(t) = 2 exp(-0.7 t).
import math, os, sys
import muskx
where = os.path.dirname(os.path.abspath(muskx.__file__))
assert not where.startswith(sys.argv[1]), "imported from the tree: " + where
m = muskx.loads("muskx: 1\nmodel:\n  id: decay\nparameters:\n  k: 0.7\n"
                "species:\n  A: 2.0\nreactions:\n  - id: r1\n"
                "    equation: A ->\n    rate: k*A\n")
r = m.simulate(times=[0, 1, 2.5, 10], rtol=1e-8, atol=1e-12)
for t, a in zip(r["time"], r["A"]):
    ref = 2.0 * math.exp(-0.7 * t)
    assert abs(a - ref) <= 1e-10 + 1e-5 * ref, (t, a, ref)
if sys.argv[2] == "bundled":
    # the wheel carries the shipped models and scenarios, found by name
    sf = muskx.load("spaceflight")
    assert "/site-packages/muskx/data/models/" in sf.source, sf.source
    run = muskx.run_scenario("iss_exercise")
    assert run.summary["BMD_wb_pct"]["loss"] < -1.0, run.summary["BMD_wb_pct"]
print("python: muskx from", muskx.library_path)
PYEOF
out=$(cd "$tmp" && env -u MUSKX_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH \
  "$tmp/venv/bin/python" "$tmp/decay.py" "$root" bundled 2>&1) || fail "import muskx after pip: $out"
[[ $out == *"/site-packages/muskx/libmuskx.so.0"* ]] ||
  fail "the installed package did not use its bundled library: $out"
step "$out"

step "pip install a pure-Python wheel (MUSKX_BUNDLE_LIBRARY=0)"
"$tmp/venv/bin/pip" uninstall -q -y muskx > /dev/null 2>&1 || true
(cd "$tmp" && MUSKX_BUNDLE_LIBRARY=0 "$tmp/venv/bin/pip" install -q \
  --no-build-isolation --no-index "$root/bindings/python") > "$tmp/pip.log" 2>&1 ||
  { cat "$tmp/pip.log"; fail "pip install (pure)"; }
if compgen -G "$tmp/venv/lib/python3*/site-packages/muskx/libmuskx.so*" > /dev/null; then
  fail "MUSKX_BUNDLE_LIBRARY=0 still bundled the library"
fi
out=$(cd "$tmp" && env -u MUSKX_LIBRARY -u PYTHONPATH -u LD_LIBRARY_PATH \
  PKG_CONFIG_PATH="$tmp/pc" "$tmp/venv/bin/python" "$tmp/decay.py" "$root" pure 2>&1) ||
  fail "import muskx (pure wheel, private prefix via pkg-config): $out"
[[ $out == *"$dest/lib/libmuskx.so.0"* ]] ||
  fail "the pure wheel did not find the private prefix through pkg-config: $out"
step "$out"

step "all install checks passed"
