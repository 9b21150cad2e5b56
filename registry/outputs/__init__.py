"""Outputs: every file of the site that is not a page.

Takes the public registry, its figures and the catalogue. Gives bytes by out_path: the downloads (JSON, CSV, XLSX,
progress, the export's schema), the Atom feed, the calendar, the sitemap and robots.txt, the search index — and
the privacy scan that every file of the output goes through.
"""
