import pytest

pytestmark = pytest.mark.browser


def test_login_and_dashboard(page, live_server, login, assert_accessible, admin_user, building):
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    login(page, live_server, "admin")
    assert_accessible(page)
    page.goto(live_server.url + f"/places/")
    print(page.content()[:3000])
    assert_accessible(page)
