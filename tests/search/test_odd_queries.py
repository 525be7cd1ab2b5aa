"""Odd queries (code, quotes and brackets pasted into the box) get an answer, never an error in the logs."""
import logging

import pytest

from tests.factories import resource

ODD = ["';exit(md5('zz9qk'));//", "exit(md5('zz9qk'", "'", "\"", "(", ")", "((a", "a)", "-", "+", "*", "?", "~",
       "^", "[", "]", "{", "}", "a:b", "AND", "OR", "NOT", "a AND", "NOT a", "\\", "/", "'\"()[]{}<>",
       "<script>alert(1)</script>", "a~2", "a^3", "' OR 1=1 --", "${jndi:ldap://x}", "registre'", "registr'e(x"]


def _problems(caplog):
    return [record for record in caplog.records if record.levelno >= logging.WARNING or record.exc_info]


@pytest.mark.parametrize("text", ODD)
def test_odd_query_answers_without_an_error_in_the_logs(find, world, caplog, text):
    resource(world.sn_space, world.member, "Fiche exit", body="Le registre des auditions, exist et md6.", lang="fr")
    with caplog.at_level(logging.DEBUG):
        results = find(world.member, text)
    assert results.error or results.total >= 0
    assert not _problems(caplog), caplog.text


def test_the_search_page_answers_an_injection_attempt_plainly(client, auth, world, caplog):
    resource(world.sn_space, world.member, "Fiche exit", body="Le registre des auditions, exist et md6.", lang="fr")
    auth.login(world.member.email)
    with caplog.at_level(logging.DEBUG):
        for url in ("/search?q=';exit(md5('zz9qk'));//", "/search?q=%27%3Bexit(md5(%27zz9qk%27))%3B%2F%2F",
                    "/search?q=x&type=';exit(md5('zz9qk'));//&from=';exit&page=';exit"):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            assert "zz9qk" in html  # the words are kept in the box, escaped
    assert not _problems(caplog), caplog.text
