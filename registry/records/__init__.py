"""Records: loading and checking.

Takes the project folder — records/<kinds>/<id>.yaml, schemas/, site.yaml. Gives `check`'s result: every problem
(one shape, registry/problems.py), the settings, the schemas, and the checked records by kind and id, each value
with the line and column it stands at. Reads today's date (only here): a date after it is a problem.
"""
