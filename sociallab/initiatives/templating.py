"""What initiative templates need beyond the view's context: labels, filter links, a space's latest ones."""
from flask import url_for
from flask_login import current_user

from sociallab.initiatives import curation, indicators, services, stages


def initiative_filter_url(filters, **changes):
    """The list's address with some filters changed (None or "" removes one)."""
    return url_for("initiatives.index", **filters.args(**changes))


def initiative_status_label(status):
    return str(curation.STATUS_LABELS.get(status, status))


def review_event_label(action):
    """A curation act as the timeline names it: “Submitted for review”, “Approved and published”…"""
    return str(curation.EVENT_LABELS.get(action, action))


def featured_label():
    """The moderators' feature, named apart from the stage “Capitalised”."""
    return str(curation.FEATURED_LABEL)


def featured_hint():
    return str(curation.FEATURED_HINT)


def feature_help():
    return str(curation.FEATURE_HELP)


def indicator_measure_label(measures):
    return str(indicators.MEASURE_LABELS.get(measures, measures))


def indicator_cell_label(cell):
    return str(indicators.CELL_LABELS.get(cell, cell))


def indicator_kind_label(kind):
    return str(indicators.KIND_LABELS.get(kind, kind))


def recent_initiatives(space):
    """The space home's section: the latest initiatives the reader may read there."""
    return services.recent_in_space(current_user, space)


def init_app(app):
    for helper in (initiative_filter_url, initiative_status_label, review_event_label, featured_label, featured_hint,
                   feature_help, indicator_measure_label, indicator_cell_label, indicator_kind_label,
                   recent_initiatives):
        app.add_template_global(helper)
    app.add_template_global(stages.stage_label)
    app.add_template_global(stages.stage_hint)
    app.add_template_global(stages.STAGES, "initiative_stages")
