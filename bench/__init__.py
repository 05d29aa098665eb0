"""Benchmarks for tracer on third-party data with ground truth.

``bench.datasets`` reads the evaluation sets from ``../shared/eval`` (or a directory given by the
caller) at run time; the data is never copied into this repository. ``bench.metrics`` holds the
pure scoring functions the benchmarks report: PAN plagdet, classification and correlation
figures, and stemma comparisons.
"""
