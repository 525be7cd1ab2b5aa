"""Access rows for sign-in, accounts and spaces."""
from tests.access_tables import LOGIN, Row, expect, signed_in_only, space_members

ANYONE = expect(200)
SIGNED_IN_REDIRECTS = expect(302, anonymous=200)

ROWS = [
    Row("spaces.index", lambda w: "/", expect(302)),
    Row("accounts.login", lambda w: "/login", SIGNED_IN_REDIRECTS),
    Row("accounts.logout", lambda w: "/logout", expect(302, anonymous=LOGIN), method="POST"),
    Row("accounts.accept_invitation", lambda w: "/invitation/not-a-token", expect(410)),
    Row("accounts.forgot_password", lambda w: "/password/forgot", ANYONE),
    Row("accounts.reset_password", lambda w: "/password/reset/not-a-token", expect(302)),
    Row("accounts.profile", lambda w: "/account/profile", signed_in_only()),
    Row("accounts.change_password", lambda w: "/account/password", signed_in_only()),
    Row("accounts.set_language", lambda w: "/language/es", expect(302), method="POST"),
    Row("spaces.my_spaces", lambda w: "/spaces", signed_in_only()),
    Row("spaces.space_home", lambda w: f"/spaces/{w.sn_space.slug}", space_members(), id="senegal space"),
    Row("spaces.space_home", lambda w: f"/spaces/{w.pe_space.slug}",
        expect(404, anonymous=LOGIN, other_member=200, moderator=404, facilitator=404, admin=200),
        id="peru space"),
    # The Senegal moderator and facilitator hold roles in the national space only.
    Row("spaces.space_home", lambda w: f"/spaces/{w.ssa_space.slug}", space_members(moderator=404, facilitator=404),
        id="sub-saharan space"),
    Row("spaces.space_home", lambda w: f"/spaces/{w.international.slug}",
        expect(200, anonymous=LOGIN, volunteer_out=404), id="international space"),
    Row("spaces.space_home", lambda w: "/spaces/no-such-space", expect(404, anonymous=LOGIN), id="missing space"),
]
