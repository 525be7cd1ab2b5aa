"""Access rows for personal data: a person's own export and deletion request; administrators complete deletions."""
from sociallab.extensions import db
from sociallab.i18n import utcnow
from tests.access_tables import LOGIN, Row, admins_only, expect, signed_in_only
from tests.factories import PASSWORD


def setup(world):
    world.member2.deletion_requested_at = utcnow()
    db.session.commit()


ROWS = [
    Row("privacy.export_data", lambda w: "/account/data", signed_in_only()),
    Row("privacy.export_data", lambda w: "/account/data", signed_in_only(), method="POST"),
    Row("privacy.request_deletion", lambda w: "/account/delete", signed_in_only()),
    Row("privacy.request_deletion", lambda w: "/account/delete", signed_in_only(302), method="POST",
        data=lambda w: {"password": PASSWORD}),
    Row("privacy.cancel_deletion", lambda w: "/account/delete/cancel", signed_in_only(302), method="POST"),
    Row("privacy.deletion_requests", lambda w: "/admin/deletion-requests", admins_only()),
    Row("privacy.complete_deletion", lambda w: f"/admin/deletion-requests/{w.member2.id}/complete",
        expect(404, anonymous=LOGIN, admin=302), method="POST"),
]
