"""Kob–Andersen simulations with OpenMM: preparation, equilibration at a measured tau_alpha,
inherent structures, iso-configurational propensities, and the report that validates them.

Everything is in reduced Lennard-Jones units; :mod:`glass_lightning.simulate.engine` is the
only place that speaks OpenMM's units (epsilon = 1 kJ/mol, sigma = 1 nm, m = 1 amu, so that
the time unit is 1 ps and k_B T = T kJ/mol).
"""
