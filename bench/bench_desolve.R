# bench_desolve.R -- times R's deSolve::lsoda on the problems of `make
# bench` (issue 8), at the tolerances and output times libmuskx gets in
# bench/bench_suite.c and bench/bench_robertson.c. The right-hand sides are
# generated from the same YAML files by bench/yaml2rhs.py.
#
#   Rscript bench/bench_desolve.R OUTDIR [--quick]
#
# Writes OUTDIR/desolve_timings.tsv and OUTDIR/desolve_finals.tsv (same
# columns as bench_scipy.py's). As a user would call it: an R function
# returning list(dy), no Jacobian (lsoda estimates it); the integration
# restarts at the model's STOPS (yaml2rhs.py), where libmuskx restarts
# CVODE (none for the crosstalk model's zero drug doses).
suppressPackageStartupMessages(library(deSolve))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/bench_desolve.R OUTDIR [--quick]")
outdir <- args[1]
quick <- "--quick" %in% args
budget <- if (quick) 1.0 else 4.0
max_reps <- if (quick) 5 else 21

# Keep in step with bench/bench_scipy.py and bench/bench_suite.c.
problems <- list(
  list(name = "robertson", model = "tests/models/robertson.yaml", inputs = "",
       times = c(0, 0.4 * 10^(0:11)), rtol = 1e-4, atol = c(1e-8, 1e-14, 1e-6)),
  list(name = "pollu", model = "bench/models/pollu.yaml", inputs = "",
       times = 0:60, rtol = 1e-6, atol = 1e-10),
  list(name = "crosstalk", model = "bench/models/crosstalk_flat.yaml",
       inputs = "--input loading=0.0", times = 0:180, rtol = 1e-6, atol = 1e-9)
)

solve <- function(env, times, rtol, atol) {
  t_end <- times[length(times)]
  cuts <- env$STOPS[env$STOPS > times[1] & env$STOPS < t_end]
  edges <- c(times[1], cuts, t_end)
  y <- env$Y0
  for (i in seq_len(length(edges) - 1)) {
    a <- edges[i]; b <- edges[i + 1]
    sel <- unique(c(a, times[times > a & times < b], b))
    out <- lsoda(y, sel, env$rhs, NULL, rtol = rtol, atol = atol)
    if (attr(out, "istate")[1] < 0) stop("lsoda failed")
    y <- out[nrow(out), -1]
  }
  y
}

ft <- file.path(outdir, "desolve_timings.tsv")
ff <- file.path(outdir, "desolve_finals.tsv")
cat("", file = ft); cat("", file = ff)
for (p in problems) {
  src <- file.path(outdir, paste0("gen_", p$name, ".R"))
  status <- system2("/usr/bin/python3",
                    c("bench/yaml2rhs.py", p$model, "r", p$inputs),
                    stdout = src)
  if (status != 0) stop("yaml2rhs.py failed for ", p$model)
  env <- new.env()
  sys.source(src, envir = env)
  solve(env, p$times, p$rtol, p$atol)  # warm-up
  # CPU time (user + system) as the C and Python benchmarks; its 1 ms
  # resolution is why each repetition is a batch of runs of >= 50 ms.
  cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }
  t0 <- cpu(); batch <- 0
  while (cpu() - t0 < 0.05) { solve(env, p$times, p$rtol, p$atol); batch <- batch + 1 }
  reps <- c(); spent <- 0
  while (length(reps) < 3 || (spent < budget && length(reps) < max_reps)) {
    t0 <- cpu()
    for (b in seq_len(batch)) y <- solve(env, p$times, p$rtol, p$atol)
    dt <- (cpu() - t0) / batch
    reps <- c(reps, dt); spent <- spent + dt * batch
  }
  med <- median(reps)
  cat(sprintf("%-10s %-12s %12.6f s  (median of %d)\n", p$name,
              "desolve_lsoda", med, length(reps)))
  cat(sprintf("%s\tdesolve_lsoda\t%.6g\t%d\n", p$name, med, length(reps)),
      file = ft, append = TRUE)
  cat(sprintf("%s\tdesolve_lsoda\t%s\n", p$name,
              paste(sprintf("%.17g", y), collapse = ",")),
      file = ff, append = TRUE)
}
