"""Staff tools: new, diff, serve, spreadsheets, report — one module per command or direction.

Take the project folder (and a git ref, a sheet, a port, a half year). Give values for the command line to print:
a template record, the changes against a ref, a served preview, a sheet to fill in, the records of a filled-in sheet,
a half-year report as text. They stand on the stages and the engine; build.py alone prints and exits.
"""
