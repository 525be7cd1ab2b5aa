"""A post's time reads as Babel writes a short date and time, in the reader's language and zone
(the thread page writes fifty of them with the locale's patterns worked out once)."""
from datetime import datetime, timedelta

from babel.dates import format_datetime
from flask_babel import force_locale, get_timezone
from flask_login import login_user
from markupsafe import escape

from sociallab.extensions import db
from sociallab.forums.templating import post_clock
from sociallab.i18n import as_utc

# Single-digit days and months, a year whose two digits start with 0, every hour (am and pm,
# midnight and noon) and minutes either side of ten.
MOMENTS = [datetime(2009, 1, 2, 0, 5) + timedelta(hours=h, minutes=7 * h) for h in range(30)] + [
    datetime(2026, 12, 31, 23, 59), datetime(2026, 10, 10, 12, 0)]


def test_post_times_are_babels_short_format_in_the_readers_language_and_zone(app, world):
    reader = world.member
    for zone in ("UTC", "America/Lima", "Asia/Kolkata"):
        reader.timezone = zone
        db.session.commit()
        for language in ("fr", "en", "es"):
            with app.test_request_context("/"), force_locale(language):
                login_user(reader)
                clock = post_clock()
                for moment in MOMENTS:
                    expected = format_datetime(as_utc(moment), "short", tzinfo=get_timezone(), locale=language)
                    assert str(clock(moment)) == (f'<time datetime="{moment.isoformat()}Z">{escape(expected)}'
                                                  '</time>'), (zone, language, moment)


def test_a_post_time_names_the_moment_in_utc_for_machines(app, world):
    with app.test_request_context("/"), force_locale("fr"):
        login_user(world.other_member)  # America/Lima
        html = str(post_clock()(datetime(2026, 3, 2, 12, 0)))
    assert html == '<time datetime="2026-03-02T12:00:00Z">02/03/2026 07:00</time>'
