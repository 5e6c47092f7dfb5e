# docs/komarova2003_fig2.gp -- plot of Komarova et al. 2003 Fig. 2 (single
# remodeling cycle) from models/sbml/komarova2003.xml. Data, from the repo root:
#   build/muskx simulate models/sbml/komarova2003.xml --t-end 1000 --dt 0.5 \
#       --rtol 1e-10 --atol 1e-12 -o docs/komarova2003_fig2.csv
# then: gnuplot docs/komarova2003_fig2.gp   (run from the repo root)
set terminal pngcairo size 900,800 font ",11" noenhanced
set output "docs/komarova2003_fig2.png"
set datafile separator ","
set key autotitle columnhead
set multiplot layout 2,1 title "Komarova et al. 2003 (Bone 33:206) Fig. 2: one remodeling cycle after x1 = xbar1 + 10\n(models/sbml/komarova2003.xml, simulated with build/muskx)"
set xrange [0:300]
set xlabel "time (days)"
set ylabel "osteoclasts x1 (cells)"
set y2label "osteoblasts x2 (cells)"
set ytics nomirror
set y2tics
set grid
plot "docs/komarova2003_fig2.csv" using 1:2 with lines lw 2 title "osteoclasts x1 (left axis)", \
     "" using 1:3 axes x1y2 with lines lw 2 dt 2 title "osteoblasts x2 (right axis)"
unset y2label
unset y2tics
set ytics mirror
set ylabel "bone mass z (% of initial)"
set yrange [88:101]
plot "docs/komarova2003_fig2.csv" using 1:4 with lines lw 2 lc rgb "black" title "bone mass z (min 89.79 % at day 12.5; 99.98 % at day 1000)"
unset multiplot
