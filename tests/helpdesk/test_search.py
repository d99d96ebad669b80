"""Finding a user by name, login id, email, SIS id, or one exact identifier."""

import pytest

from tests.helpdesk.conftest import canvas_calls, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def searcher(admin, canvas):
    # A user whose identifiers share nothing, so each search below can only match one way.
    canvas.create_user(
        name="Zora Quint",
        login_id="zq-login-7731",
        sis_user_id="SIS-55820",
        email="zora.q@mail.example.org",
    )
    admin.get("/helpdesk/")  # the staff check, so the assertions below see search calls only
    canvas.clear_requests()
    return admin


def results(response) -> str:
    text = text_of(response)
    return text[text.index("Users matching") :] if "Users matching" in text else ""


@pytest.mark.parametrize(
    "term",
    [
        "Quint",
        "zq-login",
        "SIS-558",
        "zora.q@mail",
        "sis_user_id:SIS-55820",
        "sis_login_id:ZQ-LOGIN-7731",
    ],
    ids=["name", "login id", "SIS id", "email", "exact SIS id", "exact login id"],
)
def test_search_by_each_kind_of_identifier(searcher, canvas, term):
    response = searcher.get("/helpdesk/", {"q": term})
    assert response.status_code == 200
    found = results(response)
    assert "Zora Quint zq-login-7731 SIS-55820 zora.q@mail.example.org" in found
    assert "Ada" not in found


def test_result_links_to_the_users_page(searcher, canvas):
    html = searcher.get("/helpdesk/", {"q": "Quint"}).content.decode()
    zora = next(u for u in canvas.users() if u["name"] == "Zora Quint")
    assert f'href="/helpdesk/users/{zora["id"]}/"' in html


def test_exact_identifiers_ask_for_one_user_not_a_search(searcher, canvas):
    searcher.get("/helpdesk/", {"q": "sis_user_id:S1002"})
    assert canvas_calls(canvas) == [("GET", "/api/v1/users/sis_user_id:S1002")]


def test_a_short_canvas_id_is_looked_up_exactly(searcher, canvas):
    response = searcher.get("/helpdesk/", {"q": "2"})
    assert "Ben Okafor ben S1002" in results(response)
    assert canvas_calls(canvas) == [("GET", "/api/v1/users/2")]


def test_too_short_a_term_is_explained_without_asking_canvas(searcher, canvas):
    text = text_of(searcher.get("/helpdesk/", {"q": "ad"}))
    assert "Type at least 3 characters: Canvas does not search with fewer." in text
    assert "sis_user_id:" in text
    assert canvas_calls(canvas) == []


def test_nothing_found_says_so(searcher, canvas):
    assert "No user matches “nobody-here”." in text_of(
        searcher.get("/helpdesk/", {"q": "nobody-here"})
    )
    text = text_of(searcher.get("/helpdesk/", {"q": "sis_user_id:NOPE"}))
    assert "No user has sis_user_id “NOPE”." in text


def test_search_keeps_the_query_in_the_box(searcher):
    html = searcher.get("/helpdesk/", {"q": "<b>Quint"}).content.decode()
    assert 'value="&lt;b&gt;Quint"' in html


def test_canvas_failure_during_search_is_an_alert(searcher, canvas):
    canvas.faults(next=[{"status": 500}])
    response = searcher.get("/helpdesk/", {"q": "Quint"})
    assert response.status_code == 200
    assert "Canvas is not answering right now, so we could not search for users." in text_of(
        response
    )
