"""The mail templates (package data, not code): ``<kind>.<language>.txt`` and the HTML ``layout.html``.

A ``.txt`` template is the subject on its first line, a blank line, then the
plain-text body. Values arrive already formatted for the language
(``domain/templates.py``). ``layout.html`` wraps a rendered body into the
HTML part of the mail, with autoescaping on.
"""
