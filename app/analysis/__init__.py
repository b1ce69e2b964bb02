"""Energy analysis for managers, Qt-free: tariffs, energy from meter registers, cost, losses, load.

Everything here works on what a `DataSource` answers (histories of counters and measurements),
so reports run the same in direct and cloud mode; the arithmetic is exact and tested against
hand-computed figures.
"""
