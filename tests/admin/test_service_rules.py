"""Administration services decide who may act and commit their change, whoever calls them (not only the pages)."""
import pytest

from sociallab.accounts.models import SpaceRole
from sociallab.admin import people, structure
from sociallab.admin.checks import AdminError
from sociallab.audit.models import AuditEntry
from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.spaces.models import Region, Theme


def _refusal(call, *args, **kwargs):
    with pytest.raises(AdminError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def _audit_count():
    return db.session.scalar(db.select(db.func.count(AuditEntry.id)))


def test_a_service_refuses_anyone_but_an_administrator_with_404_and_writes_nothing(world):
    entries = _audit_count()
    refusal = _refusal(structure.create_theme, world.moderator, "climate", "Climat", "Climate", "Clima")
    assert isinstance(refusal, ServiceError) and refusal.status == 404
    assert _refusal(structure.create_region, world.member, "pacific", "Pacifique", "Pacific", "Pacífico").status == 404
    assert _refusal(people.update_person, world.member, world.member2, None, True, True).status == 404
    assert _refusal(people.add_space_role, world.facilitator, world.member2.id, SpaceRole.MODERATOR).status == 404
    assert db.session.scalar(db.select(Theme.id).where(Theme.code == "climate")) is None
    assert db.session.scalar(db.select(Region.id).where(Region.code == "pacific")) is None
    assert not world.member2.is_admin and world.member2.organisation_id is not None
    assert _audit_count() == entries


def test_a_rule_of_the_lab_refuses_an_administrator_with_400(world):
    structure.create_region(world.admin, "pacific", "Pacifique", "Pacific", "Pacífico")
    assert _refusal(structure.create_region, world.admin, "Pacific", "P", "P", "P").status == 400
    assert _refusal(people.update_person, world.admin, world.admin, None, False, True).status == 400


def test_a_change_is_committed_by_its_service(world):
    theme = structure.create_theme(world.admin, "climate", "Climat", "Climate", "Clima")
    role = people.add_space_role(world.admin, world.member2.id, SpaceRole.MODERATOR, world.sn_space.id)
    db.session.rollback()  # what a caller's error handling may do after the call: the changes stay
    assert db.session.get(Theme, theme.id).label_en == "Climate"
    assert db.session.get(SpaceRole, role.id) is not None
    people.remove_space_role(world.admin, role)
    db.session.rollback()
    assert db.session.get(SpaceRole, role.id) is None
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["theme.create", "space_role.add", "space_role.remove"]
