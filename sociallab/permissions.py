"""Every access decision in Sociallab, in one place.

Views, templates, socket events, search filtering and exports all call these rules; nothing
else decides who may see or do what. Each domain keeps its rules in its own section below.
One module over 400 lines on purpose: the rules build on one another (a post's actions on the
readers and moderators of its space, an initiative's on its partners), and whoever checks who may
do what reads them together.

It imports the domains' models and nothing else of theirs; models never import it (a contract in
pyproject.toml keeps both true).
"""
from functools import lru_cache, wraps

from flask import abort, g
from flask_login import current_user
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from sociallab.accounts.models import Invitation, SpaceRole, User
from sociallab.extensions import db, login_manager
from sociallab.forums.models import Category, Flag, Post, Thread
from sociallab.http_input import as_id
from sociallab.initiatives.models import Initiative, InitiativeCoLead
from sociallab.knowledge.models import Attachment, FileVersion, Resource
from sociallab.notifications.models import Notification
from sociallab.safeguarding.models import SensitiveItem
from sociallab.safeguarding.registry import content_type_named, content_type_of
from sociallab.spaces.models import Country, Organisation, Space
from sociallab.workshops.models import RoomRemoval, Workshop


def _user(user):
    """The person a rule is about: `user`, or the signed-in one, as the object itself (a page asks
    a hundred questions, and each read through the current_user proxy looks the person up again)."""
    return current_user._get_current_object() if user is None else user


def is_signed_in(user=None):
    user = _user(user)
    return bool(user) and user.is_authenticated and user.is_active


def is_admin(user=None):
    user = _user(user)
    return is_signed_in(user) and user.is_admin


# --- spaces ------------------------------------------------------------------------------

# Statements the live room runs on every event (room_checks.check_participant), built once: building
# one costs more than running it.
_ROLES = db.select(SpaceRole.role, SpaceRole.space_id).where(SpaceRole.user_id == bindparam("user_id"))
_REMOVAL = db.select(RoomRemoval.id).where(RoomRemoval.workshop_id == bindparam("workshop_id"),
                                           RoomRemoval.user_id == bindparam("user_id"))


def _roles(user):
    """(role, space_id) pairs of the person, loaded once per request (with the person, when they
    are the signed-in one: load_person)."""
    cache = g.setdefault("_space_roles", {})
    if user.id not in cache:
        cache[user.id] = {tuple(row) for row in db.session.execute(_ROLES, {"user_id": user.id})}
    return cache[user.id]


def load_roles(people):
    """The roles of several people in one query, kept for this request as _roles keeps them: the
    live room decides for everyone present who may receive a held message."""
    cache = g.setdefault("_space_roles", {})
    missing = {person.id for person in people} - cache.keys()
    if not missing:
        return
    roles = SpaceRole.__table__.c
    found = {person_id: set() for person_id in missing}
    for person_id, role, space_id in db.session.execute(
            db.select(roles.user_id, roles.role, roles.space_id).where(roles.user_id.in_(missing))):
        found[person_id].add((role, space_id))
    cache.update(found)


# The person's roles as one text, "role:space id" (no space id: everywhere) joined by ",": role
# names are fixed words of SpaceRole, so neither separator can occur inside one.
_ROLE_LIST = db.select(db.func.aggregate_strings(
    SpaceRole.role + ":" + db.func.coalesce(db.cast(SpaceRole.space_id, db.String), ""), ",")
).where(SpaceRole.user_id == User.id).scalar_subquery()
# Built once: every request and live-room event loads its person this way. The organisation and
# its country come as entities of their own, set on the person as loaded (a joined eager load
# builds its loaders again at each execution, a fifth of the cost of loading the person).
_PERSON = (db.select(User, Organisation, Country, _ROLE_LIST).outerjoin(User.organisation)
           .outerjoin(Organisation.country).where(User.id == bindparam("user_id")))


def load_person(user_id):
    """The person of a session with what nearly every access decision reads (their organisation,
    its country, their roles) in one query rather than three; None when there is no such person."""
    row = db.session.execute(_PERSON, {"user_id": user_id}).one_or_none()
    if row is None:
        return None
    user, organisation, country, listed = row
    set_committed_value(user, "organisation", organisation)
    if organisation is not None:
        set_committed_value(organisation, "country", country)
    roles = set()
    for item in (listed or "").split(","):
        role, _sep, space_id = item.partition(":")
        if role:
            roles.add((role, int(space_id) if space_id else None))
    g.setdefault("_space_roles", {})[user.id] = roles
    return user


def has_role(user, role, space_id=None):
    """The role in this space, or everywhere (a role with no space)."""
    roles = _roles(user)
    return (role, None) in roles or (space_id is not None and (role, space_id) in roles)


def people_with_role(space, role, include_global=True):
    """Active people holding `role` in this space (and, unless excluded, everywhere): the
    counterpart of has_role, for notifying moderators or choosing facilitators."""
    scope = SpaceRole.space_id == space.id
    if include_global:
        scope = db.or_(scope, SpaceRole.space_id.is_(None))
    return db.session.scalars(
        db.select(User).join(SpaceRole, SpaceRole.user_id == User.id)
        .where(SpaceRole.role == role, User.active.is_(True), scope)
        .distinct().order_by(User.name)).all()


def acting_organisation(user):
    """The organisation whose membership the person has today (a volunteer: their running
    mandate's); None when there is none or it is deactivated."""
    organisation = user.effective_organisation()
    return organisation if organisation is not None and organisation.active else None


def _space_access(user):
    """(readable space ids, member space ids) of a signed-in person, in one query per request.

    This is the only place the rule is written, as SQL (with _space_access_statement); can_read_space,
    is_space_member and every rule built on them look their answer up in these two sets.
    Members: every person of an active partner organisation (or volunteer in mandate with one)
    belongs to the international space, their region's and their country's; administrators and
    people with a role belong to the international space. Readers: the members, plus the spaces
    of a person's roles; administrators and people with a role everywhere read every space.
    Archived spaces are neither read nor belonged to.
    """
    cache = g.setdefault("_space_access", {})
    if user.id in cache:
        return cache[user.id]
    rows = db.session.execute(_space_access_statement(*_space_access_inputs(user))).all()
    cache[user.id] = (frozenset(row[0] for row in rows), frozenset(row[0] for row in rows if row[1]))
    return cache[user.id]


def _space_access_inputs(user):
    """What _space_access_statement needs to know of a person: (international, country,
    everything, role_space_ids)."""
    roles = _roles(user)
    organisation = acting_organisation(user)
    country = organisation.country if organisation is not None else None
    return (bool(user.is_admin or roles or organisation is not None),
            (country.region_id, country.id) if country is not None else None,
            bool(user.is_admin or any(space is None for _, space in roles)),
            tuple(sorted(space for _, space in roles if space is not None)))


@lru_cache(maxsize=1024)
def _space_access_statement(international, country, everything, role_space_ids):
    """The query of _space_access: (space id, member?) of each space the person reads.

    Built once per process for each set of inputs (people of one country with the same roles
    share it): the live room decides access on every event, and building this statement cost
    more than running it. `country` is (region id, country id) of the acting organisation.
    On the table's columns: the session then runs it without the ORM's result handling, which
    cost as much as the query itself."""
    space = Space.__table__.c
    membership = []
    if international:
        membership.append(space.kind == Space.INTERNATIONAL)
    if country is not None:
        region_id, country_id = country
        membership.append(db.and_(space.kind == Space.REGIONAL, space.region_id == region_id))
        membership.append(db.and_(space.kind == Space.NATIONAL, space.country_id == country_id))
    member = db.or_(*membership) if membership else db.false()
    readable = db.true() if everything else db.or_(member, space.id.in_(role_space_ids))
    return db.select(space.id, member).where(space.archived.is_(False), readable)


def readable_space_ids(user=None):
    """The ids of the spaces this person may read, computed once per request."""
    user = _user(user)
    return _space_access(user)[0] if is_signed_in(user) else frozenset()


def member_space_ids(user=None):
    """The ids of the spaces this person belongs to as a partner member or volunteer in mandate
    (not only as a staff reader); a subset of readable_space_ids."""
    user = _user(user)
    return _space_access(user)[1] if is_signed_in(user) else frozenset()


def can_read_space(space, user=None):
    return space is not None and can_read_space_id(space.id, user)


def can_read_space_id(space_id, user=None):
    """can_read_space for a row that names its space, without loading the space (nor asking for
    every space, when the statement that loaded the row answered for its own: room_workshop)."""
    user = _user(user)
    if is_signed_in(user):
        known = g.get("_space_readable", {}).get((user.id, space_id))
        if known is not None:
            return known
    return space_id in readable_space_ids(user)


def can_moderate(space, user=None):
    """Moderators of the space, global moderators and administrators."""
    user = _user(user)
    if not is_signed_in(user) or space is None:
        return False
    return user.is_admin or has_role(user, "moderator", space.id)


def can_facilitate(space, user=None):
    user = _user(user)
    if not is_signed_in(user) or space is None:
        return False
    return user.is_admin or has_role(user, "facilitator", space.id)


def is_space_member(space, user=None):
    """A partner member or volunteer in mandate (not only a staff reader) of the space."""
    return space is not None and space.id in member_space_ids(user)


def get_space_or_404(slug):
    """Load a space by slug; 404 for what the person may not read, so existence does not leak."""
    space = db.session.scalar(db.select(Space).where(Space.slug == slug))
    if space is None or not can_read_space(space):
        abort(404)
    return space


# --- accounts and administration --------------------------------------------------------

def can_invite(organisation, user=None):
    """Administrators, and an organisation's focal point for their own organisation."""
    user = _user(user)
    if not is_signed_in(user) or organisation is None:
        return False
    return user.is_admin or organisation.focal_point_id == user.id


def can_read_notification(notification, user=None):
    """A notification is its addressee's alone; anyone else's does not exist for them."""
    user = _user(user)
    return notification is not None and is_signed_in(user) and notification.user_id == user.id


def get_notification_or_404(notification_id):
    """One of the person's own notifications, else 404."""
    notification = db.session.get(Notification, notification_id) if is_signed_in() else None
    if not can_read_notification(notification):
        abort(404)
    return notification


def get_for_admin_or_404(model, object_id):
    """Whatever the administration edits (a region, a person, a role…): 404 for what does not
    exist and for anyone but an administrator, as every administration page answers."""
    obj = db.session.get(model, object_id) if is_admin() else None
    if obj is None:
        abort(404)
    return obj


def get_organisation_to_invite_into_or_404(organisation_id):
    """An organisation the person may invite into; 404 for any other, so nothing leaks."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not can_invite(organisation):
        abort(404)
    return organisation


def _part_of_or_404(model, row_id, **parent):
    """The `model` row whose one foreign key (`parent`, e.g. resource_id=…) names an object the
    caller's loader has already authorised; 404 for a missing row or one of another parent."""
    ((column, parent_id),) = parent.items()
    row = db.session.get(model, row_id)
    if row is None or getattr(row, column) != parent_id:
        abort(404)
    return row


def get_invitation_or_404(invitation_id, organisation):
    """An invitation into `organisation` (loaded by the loader above); 404 for any other."""
    return _part_of_or_404(Invitation, invitation_id, organisation_id=organisation.id)


# --- search audience ----------------------------------------------------------------------
# A searchable item carries audience tokens; a person may read it when one of their tokens
# matches. These two functions are the only place the tokens are defined.

def audience_tokens_for_item(space_id, visibility="members", organisation_ids=(), author_id=None,
                             everyone=False):
    """Tokens for an item of a space.

    visibility: "members" (every reader of the space), "moderators" (moderators of the space,
    plus the author), "organisations" (drafts: the authors' organisations, plus moderators).
    everyone=True adds the token every signed-in person holds (featured good practices).
    """
    tokens = {f"mod:{space_id}"}
    if visibility == "members":
        tokens.add(f"space:{space_id}")
    elif visibility == "organisations":
        tokens.update(f"org:{oid}:space:{space_id}" for oid in organisation_ids)
    if author_id is not None:
        tokens.add(f"user:{author_id}")
    if everyone:
        tokens.add("everyone")
    return sorted(tokens)


def audience_tokens_for_user(user=None):
    """Tokens that a person holds: the counterpart of audience_tokens_for_item."""
    user = _user(user)
    if not is_signed_in(user):
        return []
    tokens = {"everyone", f"user:{user.id}"}
    organisation = user.effective_organisation()
    for space_id in readable_space_ids(user):
        tokens.add(f"space:{space_id}")
        if organisation is not None:
            tokens.add(f"org:{organisation.id}:space:{space_id}")
        if user.is_admin or has_role(user, "moderator", space_id):
            tokens.add(f"mod:{space_id}")
    return sorted(tokens)


# --- forums -------------------------------------------------------------------------------
# A thread belongs to a space; whoever reads the space reads its threads. Hidden posts stay
# visible to the space's moderators and their author; deleted posts are shown as removed.
# A discussion (an initiative's comments) always sits in its owner's space, moved with it by
# forums.discussions.follow_owner, so this same rule decides who reads the comments.

def get_category_or_404(category_id, space=None):
    """A category of a space the person reads (of `space` when given), else 404."""
    category = db.session.get(Category, category_id)
    if category is None or (space is not None and category.space_id != space.id) \
            or not can_read_space(category.space):
        abort(404)
    return category


# Built once: every thread page and live thread event loads its thread this way (Session.get
# builds the statement and its options again on each call, a fifth of what deciding access costs).
_THREAD = db.select(Thread).options(joinedload(Thread.space), joinedload(Thread.category)).where(
    Thread.id == bindparam("thread_id"))


def readable_thread(thread_id, user=None):
    """The thread if it exists in a space the person reads, else None: one answer for both, so a
    socket event (which cannot answer 404) does not tell them apart either."""
    thread_id = as_id(str(thread_id))
    thread = db.session.execute(_THREAD, {"thread_id": thread_id}).scalar_one_or_none() \
        if thread_id is not None else None
    if thread is None or not is_signed_in(user) or not can_read_space(thread.space, user) \
            or not can_see_held(thread, user):
        return None
    return thread


def get_thread_or_404(thread_id):
    """A thread of a space the person reads, else 404 (so existence does not leak)."""
    thread = readable_thread(thread_id)
    if thread is None:
        abort(404)
    return thread


def get_post_or_404(post_id):
    """A post the person may see (hidden ones only for moderators and the author), else 404."""
    post = db.session.get(Post, post_id) if str(post_id).isdigit() else None
    if post is None or not can_read_space(post.thread.space) or not can_see_post(post):
        abort(404)
    return post


def get_flag_or_404(flag_id):
    """A flag on a post the person may see, else 404; resolving it is the moderators' (403 for
    any other reader, decided by the service)."""
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        abort(404)
    get_post_or_404(flag.post_id)
    return flag


def _post_actions(post, thread, user_id, reader, moderator):
    """The one rule for what a person may do with a post, given facts about the thread.

    "see" (hidden posts: moderators and the author only), "read_removed" (moderators read the
    text of a deleted post), "quote", "edit", "delete", "flag", "hide", "history".
    """
    own = user_id is not None and post.author_id == user_id
    # Read once (a thread page asks for fifty posts): Post.is_public is all three together.
    hidden, held, deleted = post.is_hidden, post.is_held, post.is_deleted
    if not reader or ((hidden or held) and not (moderator or own)):
        return frozenset()
    actions = {"see"}
    if deleted:
        if moderator:
            actions.add("read_removed")
        return frozenset(actions)
    if user_id is None:
        return frozenset(actions)
    public = not (hidden or held)
    if public and (not thread.locked or moderator):
        actions.add("quote")
    if moderator or (own and not thread.locked):
        actions.add("edit")
    if own or moderator:
        actions.add("delete")
    if not own and public:
        actions.add("flag")
    if moderator:
        actions.update(("hide", "redact"))
        if post.edited_at is not None:
            actions.add("history")
    return frozenset(actions)


def post_actions(thread, posts, user=None):
    """{post id: actions} for a thread's posts, deciding the thread-wide facts once."""
    user = _user(user)
    signed_in = is_signed_in(user)
    reader = signed_in and can_read_space(thread.space, user)
    moderator = reader and can_moderate(thread.space, user)
    user_id = user.id if signed_in else None
    return {post.id: _post_actions(post, thread, user_id, reader, moderator) for post in posts}


def _can(action, post, user):
    return action in post_actions(post.thread, [post], user)[post.id]


def can_see_post(post, user=None):
    """Hidden posts: moderators and the author only. Deleted posts show as removed to all."""
    return _can("see", post, user)


def can_start_thread(category, user=None):
    """Every reader of the space, in a category that is not archived (archived ones are read-only)."""
    user = _user(user)
    return is_signed_in(user) and not category.archived and can_read_space(category.space, user)


def can_post_in(thread, user=None):
    """Reply to a thread: every reader of its space, unless it is locked (moderators still may)."""
    user = _user(user)
    if not is_signed_in(user) or not can_read_space(thread.space, user):
        return False
    return not thread.locked or can_moderate(thread.space, user)


def can_edit_post(post, user=None):
    """The author while the thread is open and the post not removed; moderators always."""
    return _can("edit", post, user)


def can_delete_post(post, user=None):
    return _can("delete", post, user)


def can_flag_post(post, user=None):
    return _can("flag", post, user)


def can_moderate_post(post, user=None):
    """Hide, see history, resolve flags: the moderators of the post's space."""
    return can_moderate(post.thread.space, user)


def can_moderate_forum(space, user=None):
    """Manage categories, pin, lock, move and review flags in a space."""
    return can_moderate(space, user)


# --- initiatives --------------------------------------------------------------------------

def moderated_space_ids(user=None):
    """Spaces the person curates: every readable space for admins and global moderators."""
    user = _user(user)
    if not is_signed_in(user):
        return frozenset()
    if user.is_admin or has_role(user, "moderator"):
        return readable_space_ids(user)
    return frozenset(s for role, s in _roles(user) if role == "moderator" and s is not None)


def _organisation_id(user):
    organisation = acting_organisation(user)
    return organisation.id if organisation is not None else None


def is_initiative_partner(initiative, user=None):
    """A member of the lead or a co-lead organisation (a volunteer through their mandate)."""
    user = _user(user)
    if not is_signed_in(user):
        return False
    return _organisation_id(user) in initiative.organisation_ids and can_read_space(initiative.space, user)


def can_read_initiative(initiative, user=None):
    """Drafts: the partners (and the space's moderators once submitted); approved: the space;
    a featured good practice: every signed-in person. Held as sensitive (safeguarding): only its
    partners (its authors) and the space's moderators, whatever its status."""
    user = _user(user)
    if initiative is None or not is_signed_in(user):
        return False
    if user.is_admin:
        return True
    if initiative.is_held:
        return is_initiative_partner(initiative, user) or (
            can_see_held(initiative, user) and can_read_space(initiative.space, user))
    if initiative.is_public_good_practice:
        return True
    if initiative.status in ("published", "archived"):
        return can_read_space(initiative.space, user)
    if is_initiative_partner(initiative, user):
        return True
    return initiative.submitted_at is not None and initiative.space_id in moderated_space_ids(user)


def readable_initiatives_query(user=None):
    """A select of the Initiative rows the person may read: lists, dashboards, CSV, search."""
    user = _user(user)
    query = db.select(Initiative)
    if not is_signed_in(user):
        return query.where(db.false())
    if user.is_admin:
        return query
    spaces = readable_space_ids(user)
    conditions = [
        db.and_(Initiative.featured.is_(True), Initiative.status == "published"),
        db.and_(Initiative.status.in_(("published", "archived")), Initiative.space_id.in_(spaces)),
    ]
    organisation_id = _organisation_id(user)
    if organisation_id is not None:
        co_led = db.select(InitiativeCoLead.initiative_id).where(
            InitiativeCoLead.organisation_id == organisation_id)
        conditions.append(db.and_(Initiative.space_id.in_(spaces), db.or_(
            Initiative.lead_organisation_id == organisation_id, Initiative.id.in_(co_led))))
    moderated = moderated_space_ids(user)
    if moderated:
        conditions.append(db.and_(Initiative.submitted_at.is_not(None), Initiative.space_id.in_(moderated)))
    # Held as sensitive: its partners, its author and the space's moderators only, whatever its status.
    conditions.append(db.and_(Initiative.sensitive.is_(True), Initiative.space_id.in_(spaces), db.or_(
        Initiative.created_by_id == user.id, Initiative.space_id.in_(sorted(moderated)))))
    shown = [unheld(Initiative, Initiative.space_id, user, author_column=Initiative.created_by_id)]
    if organisation_id is not None:
        shown.append(db.or_(Initiative.lead_organisation_id == organisation_id, Initiative.id.in_(co_led)))
    return query.where(db.or_(*conditions), db.or_(*shown))


def can_create_initiative(space, user=None):
    """Partner members and volunteers of the space, and administrators."""
    user = _user(user)
    return is_signed_in(user) and space is not None and not space.archived and (
        user.is_admin or (is_space_member(space, user) and _organisation_id(user) is not None))


def can_edit_initiative(initiative, user=None):
    """The partners and administrators, until it is archived."""
    user = _user(user)
    if initiative is None or initiative.status == "archived" or not is_signed_in(user):
        return False
    return user.is_admin or is_initiative_partner(initiative, user)


def can_curate(initiative, user=None):
    """Moderators of the initiative's space (and global moderators, administrators)."""
    return initiative is not None and can_moderate(initiative.space, user)


def can_change_stage(initiative, user=None):
    return can_edit_initiative(initiative, user) or (
        can_curate(initiative, user) and initiative.status != "archived")


def can_view_review_queue(user=None):
    return bool(moderated_space_ids(user))


def get_initiative_or_404(initiative_id):
    """Load an initiative; 404 for what the person may not read, so existence does not leak."""
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not can_read_initiative(initiative):
        abort(404)
    return initiative


def get_indicator_or_404(indicator_id, initiative):
    """One of the indicators of `initiative` (loaded by get_initiative_or_404); 404 for any other."""
    indicator = next((i for i in initiative.indicators if i.id == indicator_id), None)
    if indicator is None:
        abort(404)
    return indicator


# --- knowledge ----------------------------------------------------------------------------

def resource_audience(resource):
    """Search audience of a resource; the same rule as can_read_resource, as tokens."""
    if resource.status == "published":
        return audience_tokens_for_item(resource.space_id, "members", author_id=resource.author_id)
    if resource.status == "draft":
        organisations = [resource.organisation_id] if resource.organisation_id else []
        return audience_tokens_for_item(resource.space_id, "organisations", organisations,
                                        author_id=resource.author_id)
    return audience_tokens_for_item(resource.space_id, "moderators", author_id=resource.author_id)


def can_read_resource(resource, user=None):
    """Published: readers of the space. Draft: the author's organisation and moderators.
    Hidden: moderators and the author. Held as sensitive (safeguarding), whatever its status: its
    author and the space's moderators only, its files too (get_file_version_or_404)."""
    user = _user(user)
    if resource is None or not can_read_space(resource.space, user) or not can_see_held(resource, user):
        return False
    if resource.status == "published" or resource.author_id == user.id or can_moderate(resource.space, user):
        return True
    if resource.status == "draft":
        organisation = user.effective_organisation()
        return organisation is not None and organisation.id == resource.organisation_id
    return False


def can_add_resource(space, user=None):
    """Members of the space (partners, volunteers in mandate) and its moderators."""
    return is_space_member(space, user) or can_moderate(space, user)


def can_edit_resource(resource, user=None):
    """The author while they still read the space, and the space's moderators."""
    user = _user(user)
    if not can_read_resource(resource, user):
        return False
    return resource.author_id == user.id or can_moderate(resource.space, user)


def readable_resources_query(space, user=None):
    """A select of the resources of `space` the person may read (the rule of can_read_resource)."""
    user = _user(user)
    query = db.select(Resource).where(Resource.space_id == space.id)
    if not can_read_space(space, user):
        return query.where(db.false())
    if can_moderate(space, user):
        return query
    organisation = user.effective_organisation()
    visible = [Resource.status == "published", Resource.author_id == user.id]
    if organisation is not None:
        visible.append(db.and_(Resource.status == "draft", Resource.organisation_id == organisation.id))
    return query.where(db.or_(*visible), unheld(Resource, Resource.space_id, user))


def get_resource_or_404(resource_id):
    """Load a resource the person may read; 404 otherwise, so existence does not leak."""
    resource = db.session.get(Resource, resource_id)
    if not can_read_resource(resource):
        abort(404)
    return resource


def get_file_version_or_404(version_id):
    """Load a stored file whose resource the person may read; 404 otherwise."""
    version = db.session.get(FileVersion, version_id)
    if version is None or not can_read_resource(version.attachment.resource):
        abort(404)
    return version


def get_attachment_or_404(attachment_id, resource):
    """An attachment of `resource` (itself loaded by get_resource_or_404); 404 for any other."""
    return _part_of_or_404(Attachment, attachment_id, resource_id=resource.id)


# --- workshops ----------------------------------------------------------------------------

def can_view_workshop(workshop, user=None):
    """Readers of the workshop's space see it, register and take part in its room."""
    # By id: the live room decides this on every event, and loading the space row each time
    # would add a query per chat message.
    return workshop is not None and can_read_space_id(workshop.space_id, user)


def can_run_workshop(workshop, user=None):
    """The space's facilitators (or global ones) and the people named facilitators of this workshop."""
    user = _user(user)
    if workshop is None or not is_signed_in(user):
        return False
    # Whether they facilitate first: it reads only their roles and the workshop's own list, so a
    # room deciding who may receive a held message asks nothing more about each participant.
    if not (can_facilitate(workshop.space, user) or any(f.id == user.id for f in workshop.facilitators)):
        return False
    return can_view_workshop(workshop, user)


def is_removed_from_room(workshop, user=None):
    user = _user(user)
    # Answered by the statement that loaded the workshop for this event (room_workshop), once.
    loaded = g.get("_room_removals", {}).pop((workshop.id, user.id), None)
    if loaded is not None:
        return loaded
    return db.session.scalar(_REMOVAL, {"workshop_id": workshop.id, "user_id": user.id}) is not None


# Built once: every live-room event loads its workshop this way.
_ROOM_WORKSHOP = db.select(Workshop, db.exists().where(
    RoomRemoval.workshop_id == Workshop.id, RoomRemoval.user_id == bindparam("user_id"))).where(
    Workshop.id == bindparam("workshop_id"))


@lru_cache(maxsize=1024)
def _room_workshop_statement(access_inputs):
    """_ROOM_WORKSHOP, with whether the person reads the workshop's space: its space among the
    rows of _space_access_statement (the rule, written once), for one person's inputs."""
    readable = _space_access_statement(*access_inputs).subquery()
    return _ROOM_WORKSHOP.add_columns(Workshop.space_id.in_(db.select(readable.c[0])))


def room_workshop(workshop_id, user):
    """The workshop of a live-room event, None when there is none. Whether `user` was removed
    from its room, and whether they read its space, come in the same statement: the next
    is_removed_from_room and can_read_space_id of this request read them instead of asking again.
    Access is still decided by can_enter_room."""
    params = {"workshop_id": workshop_id, "user_id": user.id}
    if not is_signed_in(user):
        row = db.session.execute(_ROOM_WORKSHOP, params).one_or_none()
        return row[0] if row is not None else None
    row = db.session.execute(_room_workshop_statement(_space_access_inputs(user)), params).one_or_none()
    if row is None:
        return None
    workshop, removed, readable = row
    g.setdefault("_room_removals", {})[(workshop.id, user.id)] = bool(removed)
    g.setdefault("_space_readable", {})[(user.id, workshop.space_id)] = bool(readable)
    return workshop


def can_enter_room(workshop, user=None):
    """Readers of the space, except a participant removed for the rest of the session."""
    user = _user(user)
    return can_view_workshop(workshop, user) and not is_removed_from_room(workshop, user)


def enterable_workshop(workshop_id, user=None):
    """The workshop whose live room the person may enter, else None: a socket connection is
    refused, it cannot answer 404, and a missing workshop is refused the same way."""
    workshop = db.session.get(Workshop, workshop_id) if workshop_id else None
    return workshop if workshop is not None and can_enter_room(workshop, user) else None


def get_workshop_or_404(slug, workshop_id):
    """The workshop of the space `slug`; 404 for what the person may not see."""
    space = get_space_or_404(slug)
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or workshop.space_id != space.id or not can_view_workshop(workshop):
        abort(404)
    return workshop


# --- safeguarding ---------------------------------------------------------------------------
# An item published although it may identify a child is held as sensitive: only its author and
# the moderators of its space see it until a moderator approves or redacts it. Every content
# type that can be held carries `sensitive` (and `is_held`, true too for a post of a held
# thread); its loaders and listings ask these rules, search gives it the moderators' audience,
# and the notifications made with it wait (notification_released).

def can_see_held(item, user=None):
    """Not held, or the person is its author or a moderator of its space."""
    if not getattr(item, "is_held", False):
        return True
    user = _user(user)
    if not is_signed_in(user):
        return False
    content_type = content_type_of(item)
    if content_type is None:
        return bool(user.is_admin)
    if content_type.author_id(item) == user.id:
        return True
    return content_type.space_id(item) in moderated_space_ids(user)


def unheld(model, space_id_column, user=None, author_column=None):
    """SQL condition on `model` rows: the rule of can_see_held, for listings and counts."""
    user = _user(user)
    if not is_signed_in(user):
        return model.sensitive.is_(False)
    author_column = author_column if author_column is not None else model.author_id
    return db.or_(model.sensitive.is_(False), author_column == user.id,
                  space_id_column.in_(sorted(moderated_space_ids(user))))


def held_audience(space_id, author_id):
    """Search audience of a held item: its author and the moderators of its space."""
    return audience_tokens_for_item(space_id, "moderators", author_id=author_id)


def notification_released():
    """SQL condition: notifications about a held item wait for the moderators' decision."""
    return db.or_(Notification.held_item_id.is_(None), Notification.held_item_id.in_(
        db.select(SensitiveItem.id).where(SensitiveItem.status != SensitiveItem.HELD)))


def space_of_id(space_id):
    return db.session.get(Space, space_id) if space_id is not None else None


def moderators_to_tell(space):
    """Who acts on what waits for moderation in a space: its own moderators, else the global ones."""
    own = people_with_role(space, "moderator", include_global=False)
    return own or people_with_role(space, "moderator")


def can_review_sensitive(user=None):
    """The review queue of held items: anyone who moderates a space."""
    return bool(moderated_space_ids(user))


def get_sensitive_item_or_404(item_id):
    """A held item whose content is now in a space the person moderates, else 404."""
    entry = db.session.get(SensitiveItem, item_id) if str(item_id).isdigit() else None
    content_type = content_type_named(entry.item_type) if entry is not None else None
    item = db.session.get(content_type.model, entry.item_id) if content_type is not None else None
    if item is None or content_type.space_id(item) not in moderated_space_ids():
        abort(404)
    return entry


def get_redactable_or_404(type_name, item_id):
    """An item a moderator may redact after the fact: a registered content type of a space the
    person reads (else 404); 403 for a reader who does not moderate it."""
    content_type = content_type_named(type_name)
    if content_type is not None and not content_type.redactable:
        content_type = None
    item = db.session.get(content_type.model, item_id) if content_type is not None else None
    space_id = content_type.space_id(item) if item is not None else None
    readable = (content_type.readable or can_see_held) if content_type is not None else None
    if item is None or not can_read_space_id(space_id) or not readable(item, None):
        abort(404)
    if space_id not in moderated_space_ids():
        abort(403)
    return content_type, item


# A live room's held chat message or question is seen by its facilitators too, and they (with the
# space's moderators) remove identifying details from what was said in the room.

def can_redact_in_room(workshop, user):
    """Who removes identifying details from what was said in the room: its facilitators and the
    space's moderators."""
    return can_run_workshop(workshop, user) or workshop.space_id in moderated_space_ids(user)


def can_see_held_in_room(workshop, item, user):
    """A held chat message or question: its author, the space's moderators (can_see_held)
    and the workshop's facilitators, who must see what is said in their room."""
    return can_see_held(item, user) or (
        bool(getattr(item, "is_held", False)) and can_run_workshop(workshop, user))


def unheld_in_room(model, workshop, user):
    """SQL condition on ChatMessage or Question rows: the rule of can_see_held_in_room."""
    if can_run_workshop(workshop, user):
        return db.true()
    return unheld(model, db.literal(workshop.space_id), user)


# --- view decorators --------------------------------------------------------------------

def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_signed_in():
            return login_manager.unauthorized()
        if not is_admin():
            abort(404)
        return view(*args, **kwargs)
    return wrapped



# --- personal data (sociallab.privacy) ----------------------------------------------------

def can_export_data(person, user=None):
    """Only the person downloads their own data (an administrator uses the console command)."""
    user = _user(user)
    return is_signed_in(user) and user.id == person.id and person.deleted_at is None


def can_request_deletion(person, user=None):
    """Only the person asks for (or withdraws) their account's deletion."""
    return can_export_data(person, user)


def can_complete_deletion(person, user=None):
    """An administrator completes a deletion, never of their own account."""
    user = _user(user)
    return is_admin(user) and user.id != person.id


def get_deletion_request_or_404(user_id):
    """A pending deletion request, for administrators; 404 for anything else."""
    person = db.session.get(User, user_id) if is_admin() else None
    if person is None or person.deletion_requested_at is None or person.deleted_at is not None:
        abort(404)
    return person


# --- across spaces (issue 13: the header's library) ------------------------------------------

def readable_resources_everywhere_query(user=None):
    """A select of the resources of every space the person reads that they may read: the rule
    of readable_resources_query, in one query for all spaces at once."""
    user = _user(user)
    query = db.select(Resource)
    spaces = readable_space_ids(user)
    if not spaces:
        return query.where(db.false())
    moderated = sorted(moderated_space_ids(user))
    visible = [Resource.status == "published", Resource.author_id == user.id]
    organisation = user.effective_organisation()
    if organisation is not None:
        visible.append(db.and_(Resource.status == "draft", Resource.organisation_id == organisation.id))
    return query.where(Resource.space_id.in_(sorted(spaces)), db.or_(
        Resource.space_id.in_(moderated), db.and_(db.or_(*visible), unheld(Resource, Resource.space_id, user))))
