# docs/lemaire2004_fig2.gp -- plot of the RANKL-then-OPG panel of Lemaire et
# al. 2004 Fig. 2 (J Theor Biol 229:293) from models/sbml/lemaire2004.xml.
# Data, from the repo root:
#   build/muskx simulate models/sbml/lemaire2004.xml --t-end 140 --dt 0.5 \
#       --rtol 1e-10 --atol 1e-14 -o docs/lemaire2004_fig2.csv
# then: gnuplot docs/lemaire2004_fig2.gp   (run from the repo root)
set terminal pngcairo size 900,560 font ",11" noenhanced
set output "docs/lemaire2004_fig2.png"
set datafile separator ","
set title "Lemaire et al. 2004 (J Theor Biol 229:293) Fig. 2, RANKL then OPG panel:\nRANKL 1e4 pM/day from day 20, OPG 9e4 pM/day from day 80 (models/sbml/lemaire2004.xml, build/muskx)"
set xlabel "time (days)"
set ylabel "concentration (pM)"
set format y "%.1e"
set grid
set key top right
set arrow from 20, graph 0 to 20, graph 1 nohead dt 3
set arrow from 80, graph 0 to 80, graph 1 nohead dt 3
plot "docs/lemaire2004_fig2.csv" using 1:2 with lines lw 2 title "R responding osteoblasts", \
     "" using 1:3 with lines lw 2 title "B active osteoblasts", \
     "" using 1:4 with lines lw 2 title "C active osteoclasts"
