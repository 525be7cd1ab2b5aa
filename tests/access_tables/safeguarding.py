"""Access rows for safeguarding: the moderators' queue of held items, approving and redacting
them, redacting any item after the fact, and who sees a held post."""
from tests.access_tables import LOGIN, Row, expect

IDENTIFYING = "Awa Diop, 12 ans, vit au 14 rue Carnot"


def moderators_of_senegal(ok=200, reader=404):
    """The Senegal space's moderator and administrators; its other readers get `reader`."""
    return expect(reader, anonymous=LOGIN, other_member=404, volunteer_out=404, moderator=ok, admin=ok)


def setup(world):
    from sociallab.extensions import db
    from sociallab.forums import services
    from sociallab.safeguarding.models import SensitiveItem
    from sociallab.safeguarding.screening import deciding
    w = world
    category = services.create_category(w.sn_space, "Suivi", "", "fr", w.moderator)
    thread, _ = services.create_thread(category, "Suivi des situations", "Bonjour", w.member2, "fr")
    w.safeguarding_plain_post = services.reply(thread, w.member2, "Réponse ordinaire", "fr").post
    with deciding("publish", "Demandé par le tribunal"):
        w.safeguarding_held_post = services.reply(thread, w.member, IDENTIFYING, "fr").post
    from sociallab.initiatives.models import Initiative
    from tests.factories.initiatives import make_initiative
    from tests.factories.knowledge import resource
    with deciding("publish", "Validé avec la famille"):
        w.safeguarding_held_initiative = make_initiative(w, status=Initiative.PUBLISHED, summary=IDENTIFYING)
        w.safeguarding_held_resource = resource(w.sn_space, w.member, "Suivi", body=IDENTIFYING, status="published")
    db.session.commit()
    w.safeguarding_held = db.session.scalar(db.select(SensitiveItem).where(
        SensitiveItem.item_id == w.safeguarding_held_post.id))


ROWS = [
    Row("safeguarding.queue", lambda w: "/moderation/sensitive", moderators_of_senegal(reader=404)),
    Row("safeguarding.approve", lambda w: f"/moderation/sensitive/{w.safeguarding_held.id}/approve",
        moderators_of_senegal(302), method="POST", data=lambda w: {}),
    Row("safeguarding.redact_held", lambda w: f"/moderation/sensitive/{w.safeguarding_held.id}/redact",
        moderators_of_senegal(302), method="POST", data=lambda w: {"passages": ""}),
    Row("safeguarding.redact", lambda w: f"/moderation/redact/post/{w.safeguarding_plain_post.id}",
        moderators_of_senegal(200, reader=403)),
    Row("safeguarding.redact", lambda w: f"/moderation/redact/post/{w.safeguarding_plain_post.id}",
        # The roles run in turn on one world: after the moderator, nothing is left for the admin (400).
        moderators_of_senegal(302, reader=403) | {"admin": (302, 400)}, method="POST",
        data=lambda w: {"passages": "ordinaire"}),
    # A held initiative: its partners (the author's organisation) and the space's moderators.
    Row("initiatives.detail", lambda w: f"/initiatives/{w.safeguarding_held_initiative.id}",
        moderators_of_senegal(200) | {"member": 200, "volunteer_in": 200}, id="GET a held initiative"),
    Row("safeguarding.redact", lambda w: f"/moderation/redact/initiative/{w.safeguarding_held_initiative.id}",
        moderators_of_senegal(200, reader=404) | {"member": 403, "volunteer_in": 403},
        id="GET redact a held initiative"),
    # A held resource: its author and the space's moderators.
    Row("knowledge.resource", lambda w: f"/resources/{w.safeguarding_held_resource.id}",
        moderators_of_senegal(200) | {"member": 200}, id="GET a held resource"),
    # A held post: its author (world.member) and the space's moderators, nobody else.
    Row("forums.post_fragment", lambda w: f"/forums/posts/{w.safeguarding_held_post.id}",
        moderators_of_senegal(200) | {"member": 200}, id="GET a held post"),
]
