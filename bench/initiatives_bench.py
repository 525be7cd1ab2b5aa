"""Dashboard and list benchmark: 5,000 initiatives with 4 indicators × 8 periods each.

    .venv/bin/python bench/initiatives_bench.py [--initiatives 5000] [--runs 30]

Seeds a fresh SQLite database (the Lab's structure, then initiatives spread over the 15 spaces,
stages, statuses and themes, each with 4 indicators reported over 8 quarters, baseline and
target in the first), signs in through the real form and times, in process, the platform
dashboard (as an administrator: every initiative) and a filtered list page (as a Senegal
member: permission filter plus country, stage and sort). It also counts the SQL statements of
one dashboard, and does it again at a tenth of the size to show the count does not grow.
The last line is

    RESULT dashboard_ms_p50=… list_ms_p50=… dashboard_queries=…
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password-123"
PERIODS = [date(2024, 3, 31) + timedelta(days=91 * n) for n in range(8)]
STATUSES = ["published"] * 6 + ["archived", "draft", "submitted", "changes_requested"]


def make_app(db_path):
    import config
    from sociallab import create_app

    class BenchConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"
        WTF_CSRF_ENABLED = True
        RATELIMIT_ENABLED = False
        SEARCH_INDEX_DIR = str(Path(db_path).parent / "index")
    return create_app(BenchConfig)


def seed(app, count):
    """Bulk-insert `count` initiatives with their partners, countries, themes, indicators and values."""
    from sociallab.accounts.services import create_user
    from sociallab.demo import seed_structure
    from sociallab.extensions import db
    from sociallab.initiatives.models import (
        Indicator,
        IndicatorValue,
        Initiative,
        InitiativeCoLead,
        initiative_country,
        initiative_theme,
    )
    from sociallab.initiatives.stages import STAGES
    from sociallab.spaces.models import Space, Theme

    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        countries, organisations = seed_structure()
        create_user("admin@bench.example.org", "Admin", PASSWORD, is_admin=True, language="en")
        create_user("member@bench.example.org", "Membre", PASSWORD, organisation=organisations["sn"][0],
                             language="fr")
        db.session.flush()
        spaces = db.session.scalars(db.select(Space)).all()
        themes = db.session.scalars(db.select(Theme)).all()
        by_country = {c.id: c for c in countries.values()}
        orgs = [o for group in organisations.values() for o in group]
        now = datetime(2026, 1, 1)
        initiatives, co_leads, in_country, in_theme = [], [], [], []
        for n in range(1, count + 1):
            space = spaces[n % len(spaces)]
            if space.kind == "national":
                pool = [o for o in orgs if o.country_id == space.country_id]
            elif space.kind == "regional":
                pool = [o for o in orgs if by_country[o.country_id].region_id == space.region_id]
            else:
                pool = orgs
            lead, *others = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3))))
            status = rng.choice(STATUSES)
            initiatives.append({
                "id": n, "space_id": space.id, "title": f"Initiative {n:05d}", "summary": "Résumé de l'initiative.",
                "problem": "", "approach": "", "target_groups": "", "lang": rng.choice(("fr", "fr", "es", "en")),
                "stage": rng.choice(STAGES), "status": status, "featured": status == "published" and n % 9 == 0,
                "lead_organisation_id": lead.id, "created_at": now, "updated_at": now,
                "last_activity_at": now - timedelta(minutes=n), "submitted_at": None if status == "draft" else now})
            co_leads += [{"initiative_id": n, "organisation_id": o.id} for o in others]
            countries = {lead.country_id, *(o.country_id for o in others)}
            in_country += [{"initiative_id": n, "country_id": c} for c in countries]
            in_theme += [{"initiative_id": n, "theme_id": t.id} for t in rng.sample(themes, 2)]
        db.session.execute(db.insert(Initiative), initiatives)
        db.session.execute(db.insert(InitiativeCoLead), co_leads)
        db.session.execute(initiative_country.insert(), in_country)
        db.session.execute(initiative_theme.insert(), in_theme)
        indicators, values = [], []
        for n in range(1, count + 1):
            for k in range(4):
                indicator_id = (n - 1) * 4 + k + 1
                indicators.append({"id": indicator_id, "initiative_id": n, "name": f"Indicateur {k}",
                                   "unit": "personnes", "description": "",
                                   "measures": ("reached", "reached", "trained", "other")[k], "position": k})
                total = 0
                for p, period in enumerate(PERIODS):
                    total += rng.randint(5, 60)
                    girls, boys = total * 3 // 10, total * 3 // 10
                    women, men = total // 5, total - girls - boys - total // 5
                    row = {"indicator_id": indicator_id, "period": period, "total": total, "girls": girls, "boys": boys,
                           "women": women, "men": men, "unspecified": 0, "children": girls + boys,
                           "adults": women + men,
                               "recorded_at": now}
                    values.append(dict(row, kind="actual", latest=p == len(PERIODS) - 1))
                    if p == 0:
                        values.append(dict(row, kind="baseline", latest=False, total=0, girls=0, boys=0, women=0,
                                           men=0, children=0, adults=0))
                        values.append(dict(row, kind="target", latest=False, total=total * 10, girls=None,
                                           boys=None, women=None, men=None, unspecified=None, children=None,
                                           adults=None))
        db.session.execute(db.insert(Indicator), indicators)
        for start in range(0, len(values), 20000):
            db.session.execute(db.insert(IndicatorValue), values[start:start + 20000])
        # The `latest` flags are set above; the per-initiative sums come from the service itself.
        from sociallab.initiatives.indicators import refresh_figures
        refresh_figures()
        db.session.commit()
        return len(values)


def sign_in(client, email):
    import re
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def timed(client, url, runs):
    client.get(url)  # warm the caches of the templates and the database pages
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def dashboard_queries(app, client):
    from sqlalchemy import event

    from sociallab.extensions import db
    statements = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        client.get("/dashboard")
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def run(count, runs, workdir):
    app = make_app(workdir / f"bench-{count}.db")
    started = time.perf_counter()
    n_values = seed(app, count)
    print(f"seeded {count} initiatives, {count * 4} indicators, {n_values} values "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    admin, member = app.test_client(), app.test_client()
    sign_in(admin, "admin@bench.example.org")
    sign_in(member, "member@bench.example.org")
    list_url = "/initiatives?country=sn&stage=pilot"
    dashboard_ms = timed(admin, "/dashboard", runs)
    member_dashboard_ms = timed(member, "/dashboard", runs)
    list_ms = timed(member, list_url, runs)
    all_list_ms = timed(admin, "/initiatives", runs)
    queries = dashboard_queries(app, admin)
    print(f"  platform dashboard (admin) p50 {dashboard_ms:.1f} ms, {queries} queries", flush=True)
    print(f"  dashboard (Senegal member) p50 {member_dashboard_ms:.1f} ms", flush=True)
    print(f"  list {list_url} (Senegal member) p50 {list_ms:.1f} ms", flush=True)
    print(f"  list /initiatives (admin, unfiltered) p50 {all_list_ms:.1f} ms", flush=True)
    return dashboard_ms, list_ms, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SOCIALLAB_INSTANCE"] = tmp
        small = run(max(1, args.initiatives // 10), args.runs, Path(tmp))
        dashboard_ms, list_ms, queries = run(args.initiatives, args.runs, Path(tmp))
        if small[2] != queries:
            print(f"  WARNING: dashboard queries grew from {small[2]} to {queries}", flush=True)
        print(f"RESULT dashboard_ms_p50={dashboard_ms:.1f} list_ms_p50={list_ms:.1f} dashboard_queries={queries}")


if __name__ == "__main__":
    main()
