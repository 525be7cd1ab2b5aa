"""What of a person's profile safeguarding checks (registered by accounts.init_app): the name
they show. A profile belongs to no space, so it is never held for a space's moderators: a name
that looks identifying is redacted or changed."""
from flask_babel import lazy_gettext as _l

from sociallab import safeguarding
from sociallab.accounts.models import User


def init_app(app):
    safeguarding.register(app, User, "profile", ("stored_name",), label=_l("profile"),
                          space_id=lambda user: None, url=lambda user: "/account/profile",
                          author_id=lambda user: user.id, language=lambda user: user.language)
