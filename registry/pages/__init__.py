"""Pages: the page plan, in one language.

Takes the public registry and its figures (either may be tracked by the engine; a page family never knows), the
settings and a message catalogue. Gives pages — out_path, template, finished values — cut into tasks, one module
per page family chosen from a table (registry/pages/plan.py), and the Jinja environment that renders them. How
anything is shown (symbols, cell formats, field labels) is decided in registry/pages/display.py; where anything
lives in registry/pages/urls.py.
"""
