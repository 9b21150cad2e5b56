"""The model: the public registry.

Takes the checked registry and the settings. Gives the registry as the site publishes it, built once by filtering
(samples left out if site.yaml says so, private fields dropped, every private value noted for the privacy scan), the
references between records (who refers to whom), and what names and dates a record of each kind.
"""
