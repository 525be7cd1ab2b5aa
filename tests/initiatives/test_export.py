"""CSV exports: header, UTF-8, ISO dates, neutralised formulas and permission filtering."""
import csv
import io
from datetime import date

from sociallab.initiatives.export import neutralise
from sociallab.initiatives.models import Initiative
from tests.factories import add_indicator, add_values


def _rows(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_cells_that_look_like_formulas_are_neutralised():
    assert neutralise("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [neutralise(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "ok", 12, None, date(2025, 1, 2))] == [
        "'+1", "'-2", "'@SUM(A1)", "'\tx", "ok", "12", "", "2025-01-02"]


def test_initiatives_csv_has_a_header_utf8_iso_dates_and_no_formula(client, auth, world, initiative_factory):
    initiative_factory(title="=cmd|' /C calc'!A0", summary="Salle d'écoute — enfants", status="published",
                       themes=["participation"])
    auth.login(world.member.email)
    rows = _rows(client.get("/initiatives/export.csv"))
    header, row = rows[0], rows[1]
    assert header[:5] == ["id", "title", "space", "status", "stage"]
    record = dict(zip(header, row, strict=True))
    assert record["title"] == "'=cmd|' /C calc'!A0"
    assert record["summary"] == "Salle d'écoute — enfants"
    assert record["start_date"] == "2025-01-01"
    assert record["countries"] == "SN" and record["themes"] == "participation"
    date.fromisoformat(record["created_at"][:10])


def test_a_peru_member_export_contains_no_senegal_draft(app, client, auth, world, initiative_factory):
    initiative_factory(title="Senegal draft")
    initiative_factory(title="Senegal published", status="published")
    initiative_factory(title="Peru draft", space=world.pe_space, author=world.other_member)
    auth.login(world.other_member.email)
    titles = [row[1] for row in _rows(client.get("/initiatives/export.csv"))[1:]]
    assert titles == ["Peru draft"]
    values = _rows(client.get("/initiatives/indicator-values.csv"))
    assert all("Senegal" not in row[1] for row in values[1:])


def test_values_csv_has_one_row_per_initiative_indicator_period_and_breakdown(client, auth, world,
                                                                              initiative_factory):
    initiative = initiative_factory(title="Hearing room", status=Initiative.PUBLISHED)
    indicator = add_indicator(initiative, world.member, "-Children heard")
    add_values(indicator, date(2025, 3, 31), world.member, actual={"total": 10, "girls": 4, "boys": 6},
               target={"total": 50})
    add_values(indicator, date(2025, 6, 30), world.member, actual={"total": 30})
    auth.login(world.member2.email)
    rows = _rows(client.get("/initiatives/indicator-values.csv"))
    assert rows[0] == ["initiative_id", "initiative_title", "indicator_id", "indicator", "unit", "counts",
                       "period", "breakdown", "baseline", "target", "actual"]
    body = [(r[3], r[6], r[7], r[8], r[9], r[10]) for r in rows[1:]]
    assert body == [
        ("'-Children heard", "2025-03-31", "total", "", "50", "10"),
        ("'-Children heard", "2025-03-31", "girls", "", "", "4"),
        ("'-Children heard", "2025-03-31", "boys", "", "", "6"),
        ("'-Children heard", "2025-03-31", "children", "", "", "10"),
        ("'-Children heard", "2025-03-31", "adults", "", "", "0"),
        ("'-Children heard", "2025-06-30", "total", "", "", "30"),
    ]


def test_the_export_follows_the_list_filters(client, auth, world, initiative_factory):
    initiative_factory(title="Pilot", status="published", stage="pilot")
    initiative_factory(title="Idea", status="published", stage="idea")
    auth.login(world.member.email)
    titles = [row[1] for row in _rows(client.get("/initiatives/export.csv?stage=pilot"))[1:]]
    assert titles == ["Pilot"]


def test_the_export_is_complete_beyond_one_batch(client, auth, world, initiative_factory, monkeypatch):
    from sociallab.initiatives import export
    monkeypatch.setattr(export, "BATCH", 2)
    for n in range(5):
        item = initiative_factory(title=f"Item {n}", status="published")
        add_values(add_indicator(item, world.member), date(2025, 3, 31), world.member, actual={"total": n + 1})
    auth.login(world.member.email)
    assert len(_rows(client.get("/initiatives/export.csv"))) == 6
    values = _rows(client.get("/initiatives/indicator-values.csv"))
    assert sorted(int(r[10]) for r in values[1:]) == [1, 2, 3, 4, 5]
