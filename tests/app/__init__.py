"""Tests of the teaching app (:mod:`gmg_sim.app`), one module per module of the app."""
