"""The sections a space's home page shows, added by each domain's init_app."""
from flask import current_app

_SECTIONS_KEY = "sociallab_space_sections"


def add_section(app, template, order=50):
    """Show `template` on every space home of `app`, sections sorted by `order`."""
    sections = app.extensions.setdefault(_SECTIONS_KEY, [])
    if (order, template) not in sections:
        sections.append((order, template))
        sections.sort()


def section_templates(app=None):
    """The templates of the space-home sections, in order."""
    return [template for _order, template in (app or current_app).extensions.get(_SECTIONS_KEY, [])]
