"""Notification services refuse someone else's notification and commit what they change, whoever calls them."""
import pytest

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.notifications import services
from sociallab.notifications.models import Notification


def test_marking_someone_elses_notification_read_is_refused_404_and_changes_nothing(world):
    n = services.notify(world.member, "generic", text="privée")
    db.session.commit()
    with pytest.raises(ServiceError) as caught:
        services.mark_read(n, world.member2)
    db.session.rollback()
    assert caught.value.status == 404
    assert db.session.get(Notification, n.id).read_at is None


def test_marking_read_is_committed_by_the_service(world):
    one = services.notify(world.member, "generic", text="une")
    others = [services.notify(world.member2, "generic", text=f"n{i}") for i in range(2)]
    db.session.commit()
    services.mark_read(one, world.member)
    services.mark_all_read(world.member2)
    db.session.rollback()  # what a caller's error handling may do after the call: the change stays
    assert db.session.get(Notification, one.id).read_at is not None
    assert all(db.session.get(Notification, n.id).read_at is not None for n in others)
