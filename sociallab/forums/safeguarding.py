"""What of the forums safeguarding checks (registered by forums.init_app): thread titles and
posts, with a post's earlier versions redacted with it."""
from flask_babel import lazy_gettext as _l

from sociallab import safeguarding
from sociallab.forums.models import Post, Thread
from sociallab.forums.services import mentionable_handles


def _rerender(post):
    post.set_body(post.body, mentionable_handles(post.thread.space, post.body))


def init_app(app):
    safeguarding.register(app, Thread, "thread", ("title",), label=_l("forum thread"),
                          space_id=lambda thread: thread.space_id, url=lambda thread: thread.url,
                          related=lambda thread: thread.posts)
    safeguarding.register(app, Post, "post", ("body",), label=_l("forum message"),
                          space_id=lambda post: post.thread.space_id, url=lambda post: post.url,
                          history=lambda post: [(revision, "body") for revision in post.revisions],
                          rerender=_rerender)
