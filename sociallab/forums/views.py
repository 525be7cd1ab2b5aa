"""Forum pages: categories, thread lists, threads, posting, moderation and the review queue."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from sociallab import permissions
from sociallab.content import render_markdown
from sociallab.errors import ServiceError, checked, refuse
from sociallab.forums import events, flags, moderation, paging, reading, services
from sociallab.forums.checks import (
    check_delete_post,
    check_edit_post,
    check_flag_post,
    check_moderate,
    check_moderate_post,
    check_move_thread,
    check_reply,
    check_start_thread,
)
from sociallab.forums.forms import (
    CategoryForm,
    ConfirmForm,
    FlagForm,
    MoveThreadForm,
    PostForm,
    ResolveFlagForm,
    ThreadForm,
)
from sociallab.forums.templating import reply_form
from sociallab.http_input import as_id, page_number
from sociallab.permissions import (
    get_category_or_404,
    get_flag_or_404,
    get_post_or_404,
    get_space_or_404,
    get_thread_or_404,
)

bp = Blueprint("forums", __name__)


def _compose_check(form):
    """Decide what the author sees before a post is published.

    Returns None when the post may be published now; else the template context for showing
    the form again: a preview (without JavaScript the Preview button posts the form) or field
    errors (status 400, the text kept). Passages that may identify a child are found when the
    service saves (safeguarding): the form then comes back with them (`_compose_refused`).
    """
    action = request.form.get("action", "publish")
    if action == "preview":
        form.validate()
        return {"preview": render_markdown(form.body.data or ""), "status": 200}
    if not form.validate():
        return {"status": 400}
    return None


def _compose(template_context, form, **context):
    status = template_context.pop("status", 200)
    return render_template("forums/compose.html", form=form, **template_context, **context), status


def _compose_refused(error, form, **context):
    """A post the service refused: its status page for a refusal of access, else the form again
    with the reason above it and the text kept."""
    refuse(error, "error")
    return _compose({"status": error.status}, form, **context)


def _after_publish(published):
    if published.not_notified:
        flash(_("Not notified (they cannot read this space or do not exist): %(handles)s",
                handles=", ".join("@" + h for h in published.not_notified)), "warning")
    return redirect(paging.post_url(published.post))


# --- categories ---------------------------------------------------------------------------

@bp.route("/spaces/<slug>/forums")
@login_required
def index(slug):
    space = get_space_or_404(slug)
    moderator = permissions.can_moderate_forum(space)
    categories = services.categories_of(space, include_archived=True)
    return render_template("forums/index.html", space=space, categories=categories,
                           stats=services.category_stats(categories),
                           flag_count=flags.open_flag_count(space) if moderator else 0)


@bp.route("/spaces/<slug>/forums/categories/new", methods=["GET", "POST"])
@login_required
def new_category(slug):
    space = get_space_or_404(slug)
    checked(check_moderate, space)
    form = CategoryForm()
    if request.method == "GET":
        form.lang.data = current_user.language
    if form.validate_on_submit():
        services.create_category(space, form.title.data, form.description.data, form.lang.data,
                                 current_user, position=form.position.data)
        flash(_("Category created."), "success")
        return redirect(url_for("forums.index", slug=space.slug))
    return render_template("forums/category_form.html", form=form, space=space, category=None), \
        400 if form.errors else 200


@bp.route("/forums/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(category_id):
    category = get_category_or_404(category_id)
    space = category.space
    checked(check_moderate, space)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        services.update_category(category, current_user, title=form.title.data,
                                 description=form.description.data or "", lang=form.lang.data,
                                 position=form.position.data or 0, archived=form.archived.data)
        flash(_("Category saved."), "success")
        return redirect(url_for("forums.index", slug=space.slug))
    return render_template("forums/category_form.html", form=form, space=space, category=category), \
        400 if form.errors else 200


@bp.route("/forums/categories/<int:category_id>")
@login_required
def category(category_id):
    category = get_category_or_404(category_id)
    page = services.list_threads(category, page_number())
    counts, unread = reading.thread_list_state(current_user, category.space, page.items)
    return render_template("forums/category.html", category=category, space=category.space, page=page,
                           counts=counts, unread=unread,
                           watching=reading.is_watching(current_user, category=category),
                           form=ConfirmForm())


@bp.route("/forums/categories/<int:category_id>/watch", methods=["POST"])
@login_required
def watch_category(category_id):
    category = get_category_or_404(category_id)
    if ConfirmForm().validate_on_submit():
        if request.form.get("watch") == "1":
            reading.watch(current_user, category=category)
            flash(_("You will be notified of new threads in this category."), "success")
        else:
            reading.unwatch(current_user, category=category)
            flash(_("You no longer follow this category."), "info")
    return redirect(url_for("forums.category", category_id=category.id))


@bp.route("/forums/categories/<int:category_id>/new", methods=["GET", "POST"])
@login_required
def new_thread(category_id):
    category = get_category_or_404(category_id)
    checked(check_start_thread, category)
    form = ThreadForm()
    if request.method == "GET":
        form.lang.data = current_user.language
        return _compose({}, form, category=category, space=category.space, mode="thread")
    outcome = _compose_check(form)
    if outcome is not None:
        return _compose(outcome, form, category=category, space=category.space, mode="thread")
    try:
        _thread, published = services.create_thread(category, form.title.data, form.body.data,
                                                   current_user, form.lang.data, submission=form.submission.data)
    except ServiceError as error:
        return _compose_refused(error, form, category=category, space=category.space, mode="thread")
    if not published.resent:
        events.broadcast_post(published.post)
    return _after_publish(published)


# --- threads ------------------------------------------------------------------------------

@bp.route("/forums/threads/<int:thread_id>")
@login_required
def thread(thread_id):
    thread = get_thread_or_404(thread_id)
    if thread.category_id is None and thread.return_url:
        return redirect(thread.return_url)
    # The reader's state of the thread (following it, read mark) comes with the page's posts.
    page = services.thread_page(thread, page_number(), reader=current_user)
    if page.extra is not None:
        watching, mark = bool(page.extra["watching"]), page.extra["mark"] or 0
    else:  # a thread with no post left to show
        watching, mark = reading.thread_page_state(current_user, thread)
    posts = page.posts
    # The posts' actions are decided once, for the read mark and for the template.
    actions = permissions.post_actions(thread, posts)
    first_unread = reading.see_thread(current_user, thread, posts, mark, actions,
                                      paging.page_url(thread, page.page))
    # Unread posts on a later page: the page offers a link to the first of them.
    unread_later = bool(mark and first_unread is None and page.has_next
                        and mark < (thread.last_post_id or 0) and posts and mark >= posts[-1].id)
    return render_template("forums/thread.html", thread=thread, space=thread.space, posts=posts,
                           page=page, actions=actions, first_unread=first_unread, watching=watching,
                           unread_later=unread_later,
                           form=reply_form(posts, request.args.get("quote", type=int)))


@bp.route("/forums/threads/<int:thread_id>/unread")
@login_required
def first_unread(thread_id):
    """The first post this person has not read, on its page ("unread" links of the thread list)."""
    thread = get_thread_or_404(thread_id)
    position = reading.first_unread_position(current_user, thread)
    if position is None:  # all read: the newest posts
        return redirect(paging.page_url(thread, paging.last_page(thread)))
    page = paging.page_of(position)
    return redirect(paging.page_url(thread, page) + ("#unread" if position else ""))


@bp.route("/forums/threads/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id):
    thread = get_thread_or_404(thread_id)
    checked(check_reply, thread)
    form = PostForm()
    outcome = _compose_check(form)
    if outcome is not None:
        return _compose(outcome, form, thread=thread, space=thread.space, mode="reply")
    try:
        published = services.reply(thread, current_user, form.body.data, form.lang.data,
                                   quoted=services.quoted_post(thread, as_id(form.quote.data)),
                                   submission=form.submission.data)
    except ServiceError as error:
        return _compose_refused(error, form, thread=thread, space=thread.space, mode="reply")
    if not published.resent:
        events.broadcast_post(published.post)
    return _after_publish(published)


@bp.route("/forums/threads/<int:thread_id>/watch", methods=["POST"])
@login_required
def watch_thread(thread_id):
    thread = get_thread_or_404(thread_id)
    if ConfirmForm().validate_on_submit():
        if request.form.get("watch") == "1":
            reading.watch(current_user, thread=thread)
            flash(_("You will be notified of new replies."), "success")
        else:
            reading.unwatch(current_user, thread=thread)
            flash(_("You no longer follow this thread."), "info")
    return redirect(thread.url)


@bp.route("/forums/threads/<int:thread_id>/state", methods=["POST"])
@login_required
def thread_state(thread_id):
    thread = get_thread_or_404(thread_id)
    checked(check_moderate, thread.space)
    changes = {"pin": {"pinned": True}, "unpin": {"pinned": False},
               "lock": {"locked": True}, "unlock": {"locked": False}}.get(request.form.get("action"))
    if changes is None:
        abort(400)
    if ConfirmForm().validate_on_submit():
        moderation.set_thread_state(thread, current_user, **changes)
        flash(_("Thread updated."), "success")
    return redirect(thread.url)


@bp.route("/forums/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id):
    thread = get_thread_or_404(thread_id)
    checked(check_move_thread, thread)
    form = MoveThreadForm()
    categories = services.categories_of(thread.space, include_archived=True)
    form.category.choices = [(c.id, c.title) for c in categories]
    if request.method == "GET":
        form.category.data = thread.category_id
    if form.validate_on_submit():
        target = next(c for c in categories if c.id == form.category.data)
        moderation.move_thread(thread, target, current_user)
        flash(_("Thread moved to “%(category)s”.", category=target.title), "success")
        return redirect(thread.url)
    return render_template("forums/move.html", thread=thread, space=thread.space, form=form), \
        400 if form.errors else 200


# --- posts --------------------------------------------------------------------------------

@bp.route("/forums/posts/<int:post_id>")
@login_required
def post_fragment(post_id):
    """One post as HTML, for the live view: permissions are checked for the reader."""
    post = get_post_or_404(post_id)
    return render_template("forums/_posts.html", posts=[post], thread=post.thread, first_unread=None,
                           fragment=True)


@bp.route("/forums/posts/<int:post_id>/go")
@login_required
def go_to_post(post_id):
    """A post on the page that shows it: for links written before threads had pages (their
    `#post-N` on the thread's first page; the page's script comes here when it does not find it)."""
    post = get_post_or_404(post_id)
    return redirect(paging.post_url(post))


@bp.route("/forums/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    post = get_post_or_404(post_id)
    checked(check_edit_post, post)
    thread = post.thread
    form = PostForm(obj=post)
    if request.method == "GET":
        return _compose({}, form, thread=thread, space=thread.space, mode="edit", post=post)
    outcome = _compose_check(form)
    if outcome is not None:
        return _compose(outcome, form, thread=thread, space=thread.space, mode="edit", post=post)
    try:
        published = services.edit_post(post, current_user, form.body.data, form.lang.data)
    except ServiceError as error:
        return _compose_refused(error, form, thread=thread, space=thread.space, mode="edit", post=post)
    flash(_("Your changes are saved."), "success")
    return _after_publish(published)


@bp.route("/forums/posts/<int:post_id>/history")
@login_required
def post_history(post_id):
    post = get_post_or_404(post_id)
    return render_template("forums/history.html", post=post, thread=post.thread, space=post.thread.space,
                           revisions=checked(moderation.post_history, post))


@bp.route("/forums/posts/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id):
    post = get_post_or_404(post_id)
    checked(check_delete_post, post)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_post(post, current_user)
        flash(_("The message was removed."), "info")
        return redirect(paging.post_url(post))
    return render_template("forums/confirm_delete.html", post=post, thread=post.thread,
                           space=post.thread.space, form=form)


@bp.route("/forums/posts/<int:post_id>/hide", methods=["POST"])
@login_required
def hide_post(post_id):
    post = get_post_or_404(post_id)
    checked(check_moderate_post, post)
    if ConfirmForm().validate_on_submit():
        hidden = request.form.get("hidden") == "1"
        moderation.set_hidden(post, current_user, hidden)
        flash(_("The message is hidden.") if hidden else _("The message is visible again."), "success")
    return redirect(paging.post_url(post))


@bp.route("/forums/posts/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag_post(post_id):
    post = get_post_or_404(post_id)
    checked(check_flag_post, post)
    form = FlagForm()
    if form.validate_on_submit():
        flags.flag_post(post, current_user, form.reason.data, form.note.data)
        flash(_("Thank you. The moderators of this space will look at it; you will be told what they decide."),
              "success")
        return redirect(paging.post_url(post))
    return render_template("forums/flag.html", post=post, thread=post.thread, space=post.thread.space,
                           form=form), 400 if form.errors else 200


# --- review queue -------------------------------------------------------------------------

@bp.route("/spaces/<slug>/forums/review")
@login_required
def review(slug):
    space = get_space_or_404(slug)
    return render_template("forums/review.html", space=space, flags=checked(flags.review_queue, space),
                           form=ResolveFlagForm(formdata=None),
                           reasons=dict(FlagForm(formdata=None).reason.choices))


@bp.route("/forums/flags/<int:flag_id>/resolve", methods=["POST"])
@login_required
def resolve_flag(flag_id):
    flag = get_flag_or_404(flag_id)
    post = flag.post
    checked(check_moderate_post, post)
    form = ResolveFlagForm()
    if form.validate_on_submit():
        try:
            flags.resolve_flag(flag, current_user, form.outcome.data, form.message.data)
        except ServiceError as error:
            refuse(error)
        else:
            flash(_("Decision recorded; the people who flagged the message are told."), "success")
    return redirect(url_for("forums.review", slug=post.thread.space.slug))
