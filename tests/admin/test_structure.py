"""Regions, countries, spaces, organisations and themes managed by administrators."""
from sociallab.audit.models import AuditEntry
from sociallab.extensions import db
from sociallab.spaces.models import Country, Organisation, Region, Space, Theme
from tests.conftest import post_form


def _latest(action):
    return db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == action)
                             .order_by(AuditEntry.id.desc()))


def test_fifth_partner_of_a_national_space_is_refused_with_a_clear_message(admin_client, world):
    senegal = world.sn_org.country
    assert sum(o.active for o in senegal.organisations) == 4
    response = post_form(admin_client, "/admin/organisations/new", {
        "name": "Cinquième Partenaire Fictif", "country_id": senegal.id, "kind": "civil_society", "active": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already has 4 partner organisations" in html
    assert 'value="Cinquième Partenaire Fictif"' in html, "what was typed is kept"
    assert db.session.scalar(db.select(Organisation).where(Organisation.name == "Cinquième Partenaire Fictif")) is None


def test_fifth_partner_message_is_in_the_administrators_language(app, client, auth, world):
    world.admin.language = "fr"
    db.session.commit()
    auth.login(world.admin.email)
    response = post_form(client, "/admin/organisations/new", {
        "name": "Cinquième", "country_id": world.sn_org.country_id, "kind": "civil_society", "active": "y"})
    assert "compte déjà 4 organisations partenaires" in response.get_data(as_text=True)


def test_an_inactive_fifth_organisation_may_exist_but_not_be_reactivated(admin_client, world):
    senegal_id = world.sn_org.country_id
    response = post_form(admin_client, "/admin/organisations/new", {
        "name": "Ancien partenaire", "country_id": senegal_id, "kind": "state_institution"})
    assert response.status_code == 302
    former = db.session.scalar(db.select(Organisation).where(Organisation.name == "Ancien partenaire"))
    assert former.active is False
    response = post_form(admin_client, f"/admin/organisations/{former.id}", {
        "name": "Ancien partenaire", "country_id": senegal_id, "kind": "state_institution",
        "focal_point_id": "0", "active": "y"})
    assert response.status_code == 400
    db.session.refresh(former)
    assert former.active is False


def test_country_with_fewer_than_two_active_partners_is_marked_incomplete(admin_client, world):
    togo = db.session.scalar(db.select(Country).where(Country.iso2 == "tg"))
    html = admin_client.get("/admin/countries").get_data(as_text=True)
    togo_row = html[html.index(togo.name_en):].split("</tr>")[0]
    assert "incomplete" not in togo_row
    togo.organisations[0].active = False
    db.session.commit()
    html = admin_client.get("/admin/countries").get_data(as_text=True)
    togo_row = html[html.index(togo.name_en):].split("</tr>")[0]
    assert "incomplete" in togo_row
    assert togo.name_en in admin_client.get("/admin/").get_data(as_text=True).split("Latest changes")[0]


def test_a_new_country_gets_its_national_space_and_is_incomplete(admin_client, world):
    region = db.session.scalar(db.select(Region).where(Region.code == "la"))
    response = post_form(admin_client, "/admin/countries/new", {
        "iso2": "GT", "region_id": region.id, "name_fr": "Guatemala", "name_en": "Guatemala",
        "name_es": "Guatemala", "timezone": "America/Guatemala"})
    assert response.status_code == 302
    country = db.session.scalar(db.select(Country).where(Country.iso2 == "gt"))
    space = db.session.scalar(db.select(Space).where(Space.country_id == country.id))
    assert space.kind == Space.NATIONAL and space.slug == "country-gt"
    assert country.is_incomplete
    entry = _latest("country.create")
    assert entry.before is None and entry.after["iso2"] == "gt" and entry.actor_id == world.admin.id
    assert _latest("space.create").after["slug"] == "country-gt"


def test_a_duplicate_country_code_is_refused_with_400_not_500(admin_client, world):
    response = post_form(admin_client, "/admin/countries/new", {
        "iso2": "SN", "region_id": world.sn_org.country.region_id, "name_fr": "Bis", "name_en": "Bis",
        "name_es": "Bis", "timezone": "Africa/Dakar"})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_a_new_region_gets_its_regional_space_and_is_audited(admin_client, world):
    response = post_form(admin_client, "/admin/regions/new", {
        "code": "me", "name_fr": "Moyen-Orient", "name_en": "Middle East", "name_es": "Oriente Medio"})
    assert response.status_code == 302
    region = db.session.scalar(db.select(Region).where(Region.code == "me"))
    assert db.session.scalar(db.select(Space).where(Space.region_id == region.id)).kind == Space.REGIONAL
    response = post_form(admin_client, f"/admin/regions/{region.id}", {
        "code": "me", "name_fr": "Moyen-Orient", "name_en": "The Middle East", "name_es": "Oriente Medio"})
    assert response.status_code == 302
    entry = _latest("region.update")
    assert entry.before == {"name_en": "Middle East"} and entry.after == {"name_en": "The Middle East"}


def test_archiving_a_space_closes_it_to_its_members_and_is_audited(app, admin_client, world):
    space = world.pe_space
    response = post_form(admin_client, f"/admin/spaces/{space.id}", {
        "kind": "national", "slug": space.slug, "name_fr": space.name_fr, "name_en": space.name_en,
        "name_es": space.name_es, "region_id": "0", "country_id": space.country_id,
        "description_fr": "", "description_en": "", "description_es": "", "archived": "y"})
    assert response.status_code == 302
    entry = _latest("space.archive")
    assert entry.before["archived"] is False and entry.after["archived"] is True
    assert entry.space_id == space.id
    from tests.conftest import Auth
    peru = app.test_client()
    Auth(peru).login(world.other_member.email)
    assert peru.get(f"/spaces/{space.slug}").status_code == 404


def test_a_regional_space_needs_its_region(admin_client, world):
    response = post_form(admin_client, "/admin/spaces/new", {
        "kind": "regional", "slug": "thematic-justice", "name_fr": "Justice", "name_en": "Justice",
        "name_es": "Justicia", "region_id": "0", "country_id": "0"})
    assert response.status_code == 400
    assert "needs its region" in response.get_data(as_text=True)


def test_a_cross_country_international_space_can_be_created(admin_client, world):
    response = post_form(admin_client, "/admin/spaces/new", {
        "kind": "international", "slug": "child-friendly-justice", "name_fr": "Justice adaptée",
        "name_en": "Child-friendly justice", "name_es": "Justicia adaptada", "region_id": "0", "country_id": "0",
        "description_en": "A thematic working group."})
    assert response.status_code == 302
    space = db.session.scalar(db.select(Space).where(Space.slug == "child-friendly-justice"))
    assert space.region_id is None and space.country_id is None


def test_focal_point_is_chosen_among_the_organisations_members(admin_client, world):
    organisation = world.sn_org
    data = {"name": organisation.name, "country_id": organisation.country_id, "kind": organisation.kind,
            "active": "y"}
    refused = post_form(admin_client, f"/admin/organisations/{organisation.id}",
                        {**data, "focal_point_id": world.other_member.id})
    assert refused.status_code == 400
    page = admin_client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert world.member.name in page and world.other_member.name not in page
    accepted = post_form(admin_client, f"/admin/organisations/{organisation.id}", {**data, "focal_point_id": "0"})
    assert accepted.status_code == 302
    entry = _latest("organisation.update")
    assert entry.before == {"focal_point_id": world.member.id} and entry.after == {"focal_point_id": None}


def test_themes_are_created_and_edited_with_three_labels(admin_client, world):
    response = post_form(admin_client, "/admin/themes/new", {
        "code": "digital-safety", "label_fr": "Sécurité numérique", "label_en": "Digital safety",
        "label_es": "Seguridad digital", "active": "y"})
    assert response.status_code == 302
    theme = db.session.scalar(db.select(Theme).where(Theme.code == "digital-safety"))
    assert _latest("theme.create").after["label_es"] == "Seguridad digital"
    response = post_form(admin_client, f"/admin/themes/{theme.id}", {
        "code": "digital-safety", "label_fr": "Sécurité numérique", "label_en": "Digital safety",
        "label_es": "Seguridad digital"})
    assert response.status_code == 302
    db.session.refresh(theme)
    assert theme.active is False
    assert _latest("theme.update").after == {"active": False}


def test_a_theme_code_must_be_a_code(admin_client, world):
    response = post_form(admin_client, "/admin/themes/new", {
        "code": "Not a code!", "label_fr": "A", "label_en": "A", "label_es": "A"})
    assert response.status_code == 400
    assert 'value="Not a code!"' in response.get_data(as_text=True)


def test_a_new_country_says_in_the_country_as_the_administrator_wrote_it(admin_client, world):
    region = db.session.scalar(db.select(Region).where(Region.code == "ssa"))
    response = post_form(admin_client, "/admin/countries/new", {
        "iso2": "KM", "region_id": region.id, "name_fr": "Comores", "name_en": "Comoros", "name_es": "Comoras",
        "name_in_fr": "aux Comores", "name_in_en": "in the Comoros", "name_in_es": "en las Comoras",
        "timezone": "Indian/Comoro"})
    assert response.status_code == 302
    country = db.session.scalar(db.select(Country).where(Country.iso2 == "km"))
    assert [country.place_in(lang) for lang in ("fr", "en", "es")] == ["aux Comores", "in the Comoros",
                                                                       "en las Comoras"]
