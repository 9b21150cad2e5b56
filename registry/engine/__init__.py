"""The engine: runs the stages.

Takes the project folder and the output folder. Gives `check` with its record cache and workers, and the build:
figures, the page plan handed a tracked registry and tracked figures (dependency tracking lives only here), the
tasks on every core (one fork helper), the manifest of the last build, and the one output object that claims every
path before anything is made for it, writes or links it, and scans what is new.
"""
