"""Forum categories, threads, posts, their edit history, flags, watches and read marks."""
from markupsafe import Markup
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sociallab.content import highlight_mentions, render_markdown
from sociallab.extensions import db
from sociallab.http_input import SUBMISSION_MAX
from sociallab.i18n import utcnow
from sociallab.safeguarding.models import Sensitive

TITLE_MAX = 200
BODY_MAX = 20000
CATEGORY_TITLE_MAX = 120
CATEGORY_DESCRIPTION_MAX = 500
FLAG_NOTE_MAX = 1000


class Category(db.Model):
    """A forum section of one space, ordered by `position`; archived ones take no new threads."""
    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(CATEGORY_TITLE_MAX))
    description: Mapped[str] = mapped_column(String(CATEGORY_DESCRIPTION_MAX), default="")
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)

    space = relationship("Space")


class Thread(Sensitive, db.Model):
    """A conversation. Without a category it is a discussion embedded in another page.

    A discussion (an initiative's comments, for example) has `category_id` None and a
    `return_url`: the page that shows it, where replies send the reader back.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    last_post_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    # When the title or the first post (the thread's search text) last changed.
    updated_at: Mapped[DateTime | None] = mapped_column(DateTime)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    # The newest visible post: a reader whose read mark is below it has something unread.
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    return_url: Mapped[str | None] = mapped_column(String(500))

    space = relationship("Space")
    category = relationship("Category")
    author = relationship("User")
    posts = relationship("Post", back_populates="thread", order_by="Post.id",
                         cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        # The thread list: pinned first, then latest activity, within a category.
        Index("ix_thread_category_order", "category_id", "pinned", "last_post_at"),
    )

    @property
    def is_discussion(self):
        return self.category_id is None and self.return_url is not None

    @property
    def url(self):
        if self.is_discussion:
            return self.return_url
        return f"/forums/threads/{self.id}"


class Post(Sensitive, db.Model):
    """One message of a thread. Deleting or hiding keeps the row: moderators still see it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # The sanitised HTML of `body`, rendered once when it is written rather than on every view.
    html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    quoted_post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"))
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[DateTime | None] = mapped_column(DateTime)
    hidden_at: Mapped[DateTime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    deleted_at: Mapped[DateTime | None] = mapped_column(DateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The key of the form that wrote it (a uuid made when the form was shown): the same form sent
    # again (a double click, a resend after a lost answer) finds this post rather than adding one.
    submission_id: Mapped[str | None] = mapped_column(String(SUBMISSION_MAX))

    thread = relationship("Thread", back_populates="posts")
    author = relationship("User", foreign_keys=[author_id])
    revisions = relationship("PostRevision", back_populates="post", order_by="PostRevision.id",
                             cascade="all, delete-orphan", passive_deletes=True)
    __table_args__ = (
        # One post per form sent by a person; posts without a key (older forms) are not constrained.
        Index("uq_post_author_submission", "author_id", "submission_id", unique=True),
    )

    def set_body(self, body, mentions=()):
        """Store the text and its HTML; `mentions` are the handles to highlight (lowercase)."""
        self.body = body
        self.html = render_post_html(body, mentions)

    @property
    def body_html(self):
        return Markup(self.html)  # noqa: S704 # nosec B704 # set_body stores sanitised HTML

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def is_public(self):
        return not self.is_hidden and not self.is_deleted and not self.is_held

    @property
    def is_held(self):
        """Held as sensitive, itself or with its thread (a thread's title and first post are
        published together)."""
        return bool(self.sensitive or self.thread.sensitive)

    @property
    def anchor(self):
        return f"post-{self.id}"

    @property
    def url(self):
        return f"{self.thread.url}#{self.anchor}"


def render_post_html(body, mentions=()):
    """A post's stored HTML: sanitised Markdown with the given @handles highlighted."""
    return highlight_mentions(str(render_markdown(body)), set(mentions))


class PostRevision(db.Model):
    """The text a post had before an edit (visible to moderators)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(2))
    # When the replaced text had been written (the post's creation or its previous edit).
    written_at: Mapped[DateTime] = mapped_column(DateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)

    post = relationship("Post", back_populates="revisions")
    edited_by = relationship("User")


class Flag(db.Model):
    """A reader's report of a post to the space's moderators, and what they decided."""
    REASONS = ("identifies_child", "abusive", "spam", "off_topic", "other")
    OUTCOMES = ("hidden", "dismissed", "locked", "warned")

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("space.id", ondelete="CASCADE"))
    flagger_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(FLAG_NOTE_MAX), default="")
    created_at: Mapped[DateTime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[DateTime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(16))

    post = relationship("Post")
    flagger = relationship("User", foreign_keys=[flagger_id])
    __table_args__ = (Index("ix_flag_space_open", "space_id", "resolved_at"),)


class Watch(db.Model):
    """A person follows a thread or a whole category: new posts notify them."""
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    __table_args__ = (UniqueConstraint("user_id", "thread_id", "category_id"),)


class ThreadRead(db.Model):
    """The last post a person has seen in a thread: what comes after it is unread."""
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (UniqueConstraint("user_id", "thread_id"),)
