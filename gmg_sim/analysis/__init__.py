"""Analysis of runs: indicators, pattern-oriented validation, sensitivity, plots.

* :mod:`~gmg_sim.analysis.indicators` — the run summary and the collector's reporters;
* :mod:`~gmg_sim.analysis.patterns` — the stylized facts of the sources, checked at once;
* :mod:`~gmg_sim.analysis.sensitivity` — Morris screening and Sobol indices (SALib);
* :mod:`~gmg_sim.analysis.plots` — matplotlib figures from experiment frames.
"""
