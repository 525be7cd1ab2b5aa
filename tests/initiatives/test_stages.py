"""The stage machine: every allowed move succeeds with a dated, attributed record; every other move is refused."""
import itertools

import pytest

from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.initiatives import stages
from sociallab.initiatives.models import StageChange
from tests.conftest import post_form

ALLOWED = [(a, b) for a, targets in stages.TRANSITIONS.items() for b in targets]
FORBIDDEN = [(a, b) for a, b in itertools.product(stages.STAGES, repeat=2) if (a, b) not in ALLOWED]


def test_the_table_names_every_stage_and_only_stages():
    assert set(stages.TRANSITIONS) == set(stages.STAGES)
    assert all(set(targets) <= set(stages.STAGES) for targets in stages.TRANSITIONS.values())


def test_the_forward_path_from_idea_to_scaled_is_possible():
    path = ["idea", "design", "pilot", "evaluation", "adjustment", "capitalised", "scaled"]
    assert all(b in stages.TRANSITIONS[a] for a, b in itertools.pairwise(path))


@pytest.mark.parametrize("from_stage,to_stage", ALLOWED)
def test_allowed_move_is_recorded_with_date_author_and_comment(world, initiative_factory, from_stage, to_stage):
    initiative = initiative_factory(stage=from_stage)
    change = stages.change_stage(initiative, to_stage, world.member, "Because the pilot ended")
    db.session.commit()
    assert initiative.stage == to_stage
    assert (change.from_stage, change.to_stage, change.actor_id) == (from_stage, to_stage, world.member.id)
    assert change.created_at is not None and change.comment == "Because the pilot ended"
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "initiative.stage",
                                                         AuditEntry.target_id == initiative.id)) is not None


@pytest.mark.parametrize("from_stage,to_stage", FORBIDDEN)
def test_forbidden_move_is_refused_and_changes_nothing(world, initiative_factory, from_stage, to_stage):
    initiative = initiative_factory(stage=from_stage)
    before = db.session.scalar(db.select(db.func.count(StageChange.id)))
    with pytest.raises(stages.StageError) as error:
        stages.change_stage(initiative, to_stage, world.member, "Trying")
    assert initiative.stage == from_stage
    assert stages.stage_label(from_stage) in str(error.value) and stages.stage_label(to_stage) in str(error.value)
    assert db.session.scalar(db.select(db.func.count(StageChange.id))) == before


def test_a_move_without_comment_is_refused(world, initiative_factory):
    initiative = initiative_factory(stage="idea")
    with pytest.raises(stages.StageError):
        stages.change_stage(initiative, "design", world.member, "  ")
    assert initiative.stage == "idea"


def test_forbidden_move_through_the_page_shows_a_clear_message(client, auth, world, initiative_factory):
    initiative = initiative_factory(stage="idea")
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}"
    response = post_form(client, f"{url}/stage", {"to_stage": "scaled", "comment": "Skip ahead"}, page=url)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    # The member reads French.
    assert "Une initiative ne peut pas passer de «\u202fIdée\u202f» à «\u202fMise à l&#39;échelle\u202f»" in page
    assert "Étapes suivantes possibles\u202f: Conception, Arrêtée" in page
    assert db.session.get(type(initiative), initiative.id).stage == "idea"


def test_the_page_shows_the_timeline_of_changes(client, auth, world, initiative_factory):
    initiative = initiative_factory(stage="idea")
    auth.login(world.member.email)
    url = f"/initiatives/{initiative.id}"
    post_form(client, f"{url}/stage", {"to_stage": "design", "comment": "Workshop with judges held"}, page=url)
    page = client.get(url).get_data(as_text=True)
    assert "Workshop with judges held" in page
    assert "Idée → Conception" in page
    assert world.member.name in page
