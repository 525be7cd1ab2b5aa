"""Initiative services decide who may act and commit their change, whoever calls them (not only the pages)."""
from datetime import date

import pytest

from sociallab.errors import ServiceError
from sociallab.extensions import db
from sociallab.initiatives import curation, indicators, services, stages
from sociallab.initiatives.models import (
    Indicator,
    IndicatorValue,
    Initiative,
    JournalEntry,
    ReviewEvent,
    StageChange,
)
from tests.factories import add_indicator, grid, same_data


def _refusal(call, *args, **kwargs):
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    return caught.value


def _counts():
    return [db.session.scalar(db.select(db.func.count(model.id)))
            for model in (Initiative, JournalEntry, Indicator, IndicatorValue, StageChange, ReviewEvent)]


def test_a_service_refuses_a_reader_without_the_right_403_and_a_non_reader_404(world, initiative_factory):
    published = initiative_factory(status=Initiative.PUBLISHED, title="Publiée")
    draft = initiative_factory(title="Brouillon")
    indicator = add_indicator(published, world.member)
    before = _counts()
    # member2 reads the Senegal space but belongs to no partner of these initiatives.
    reader = world.member2
    assert _refusal(services.update_initiative, published, reader, same_data(published, title="Autre")).status == 403
    assert _refusal(services.add_journal_entry, published, reader, date(2025, 3, 1), "Essai", "", "", "fr").status \
        == 403
    assert _refusal(indicators.save_indicator, published, reader, "Autre", "", "", "reached").status == 403
    assert _refusal(indicators.record_values, indicator, date(2025, 3, 31), grid(actual={"total": 5}),
                    reader).status == 403
    assert _refusal(stages.change_stage, published, stages.DESIGN, reader, "Pourquoi pas").status == 403
    assert _refusal(curation.curate, published, "feature", reader).status == 403
    # A moderator of the space reads it, but starts no initiative there without a partner organisation.
    assert _refusal(services.create_initiative, world.sn_space, world.moderator, same_data(draft)).status == 403
    # The Peruvian member may not read the Senegal draft, nor the Senegal space: for them neither exists.
    outsider = world.other_member
    assert _refusal(services.update_initiative, draft, outsider, same_data(draft, title="Otra")).status == 404
    assert _refusal(services.add_journal_entry, draft, outsider, date(2025, 3, 1), "Prueba", "", "", "es").status \
        == 404
    assert _refusal(stages.change_stage, draft, stages.DESIGN, outsider, "Por qué no").status == 404
    assert _refusal(curation.curate, draft, "submit", outsider).status == 404
    assert _refusal(services.create_initiative, world.sn_space, outsider, same_data(draft)).status == 404
    assert _refusal(services.review_queue, world.member).status == 404
    # A partner moves it only to a space where they could start it.
    moved = _refusal(services.update_initiative, draft, world.member, same_data(draft), space=world.pe_space)
    assert (moved.status, moved.field) == (403, "space")

    assert _counts() == before
    db.session.expire_all()
    assert (published.title, published.stage, published.featured) == ("Publiée", "idea", False)
    assert (draft.title, draft.space_id, draft.status) == ("Brouillon", world.sn_space.id, Initiative.DRAFT)


def test_every_refusal_is_a_service_error_the_pages_map_the_same_way(world, initiative_factory):
    draft = initiative_factory()
    errors = {type(_refusal(call, *args)) for call, *args in (
        (services.add_journal_entry, draft, world.other_member, date(2025, 3, 1), "", "", "", "fr"),
        (stages.change_stage, draft, "scaled", world.member, "Trop tôt"),
        (curation.curate, draft, "approve", world.member),
        (indicators.save_indicator, draft, world.member, "Nom", "", "", "nothing"))}
    assert errors == {services.InitiativeError, stages.StageError, curation.CurationError, indicators.IndicatorError}
    assert all(issubclass(error, ServiceError) for error in errors)


def test_a_change_is_committed_by_its_service(world, initiative_factory):
    draft = initiative_factory(title="Brouillon")
    created = services.create_initiative(world.sn_space, world.member, same_data(draft, title="Nouvelle"))
    services.update_initiative(draft, world.member, same_data(draft, title="Renommée"))
    entry = services.add_journal_entry(draft, world.member, date(2025, 3, 1), "Essai", "", "", "fr")
    stages.change_stage(draft, stages.DESIGN, world.member, "Atelier tenu")
    indicator = indicators.save_indicator(draft, world.member, "Enfants entendus", "", "", "reached")
    indicators.save_period(indicator, date(2025, 3, 31), grid(actual={"total": 7}), world.member)
    curation.curate(draft, "submit", world.member)
    db.session.rollback()  # what a caller's error handling may do after the calls: the changes stay
    db.session.expire_all()
    assert db.session.get(Initiative, created.id).title == "Nouvelle"
    draft = db.session.get(Initiative, draft.id)
    assert (draft.title, draft.stage, draft.status) == ("Renommée", stages.DESIGN, Initiative.SUBMITTED)
    assert db.session.get(JournalEntry, entry.id) is not None
    assert [v.total for v in db.session.get(Indicator, indicator.id).values] == [7]
    # Removing a period's values (every row left empty) is committed too.
    indicators.save_period(indicator, date(2025, 3, 31), grid(), world.member)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(IndicatorValue.id))) == 0
