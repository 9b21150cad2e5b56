"""Figures: everything the site counts, computed before any page is planned.

Takes the public registry and the as-of date. Gives plain data: progress against every plan's targets (rows,
totals, city-wide goals), the ≥ 5 partners check, each cell's cumulative series, the half-year and yearly reports —
and, for the pages, the records each cell counts (registry/figures/figures.py).
"""
