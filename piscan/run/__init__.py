"""The run layer: plan -> units -> executor -> partial tallies -> merge -> findings.

A scan is a plan of units of work (a table, a key range of a big table, a file); an executor
runs them (in this process, a local process pool, a cluster) through one pipeline for every
source; what each unit returns is mergeable, so the split and the place do not change the result.
"""
