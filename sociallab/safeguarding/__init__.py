"""Child safeguarding: what in a text may identify a child, redacted or held for the moderators.

Each domain registers its content types once (`register`); every change to their text is then
checked when the session flushes (screening.py), whatever form, socket event or command made it.
"""
from sociallab.safeguarding.detector import Finding, check, placeholder, redact
from sociallab.safeguarding.registry import register

__all__ = ["Finding", "check", "init_app", "placeholder", "redact", "register"]


def init_app(app):
    # Imported here, not at the top: importing this package's models runs this file, and must
    # not load its views (they import the access rules, which import the models).
    from sociallab import permissions
    from sociallab.notifications.messages import register_kinds
    from sociallab.safeguarding import notifications, presenting, review, screening, views

    app.register_blueprint(views.bp)
    app.before_request(screening.decide_from_request)
    app.add_template_global(presenting.safeguarding_warning)
    app.add_template_global(presenting.highlighted)
    app.add_template_global(placeholder)
    app.add_template_global(permissions.can_review_sensitive)
    app.add_template_global(lambda: review.held_count(None), "held_for_review")
    register_kinds(app, notifications.KINDS)
    screening.attach()
