"""Site shell: login wall, layout, language switch, home page, logout, English catalogue."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from villages.models import County

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


@pytest.fixture
def counties(db):
    return [
        County.objects.create(code="632821", name="乌兰县", prefecture="海西蒙古族藏族自治州"),
        County.objects.create(code="632801", name="格尔木市", prefecture="海西蒙古族藏族自治州"),
    ]


@pytest.fixture
def staff_client(client, django_user_model):
    # An administrator: the home page lets them choose among every county (issue 3: a user bound to one
    # county is sent to its dashboard, a user with no area is told so).
    user = django_user_model.objects.create_user("zhangsan", password="Pw-for-tests-2016", is_staff=True,
                                                 is_superuser=True)
    client.force_login(user)
    return client


# ---- login wall ----

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/", "/admin/villages/county/", "/accounts/password_change/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response.url
    assert "next=" in response.url


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "扶贫数据平台" in html
    assert "用户名" in html  # Django's own zh-hans label
    # phone width: the viewport meta tag and the local Bootstrap, never a CDN
    assert 'name="viewport"' in html
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    # no asset from another host (a bare "cdn" test failed whenever the random CSRF token held those letters)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


@pytest.mark.django_db
def test_language_switch_to_english_and_back(client):
    login_url = reverse("login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login_url})
    assert response.status_code == 302
    assert response.url == login_url
    html = client.get(login_url).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Poverty Alleviation Data Platform" in html
    assert "Username" in html
    assert "登录" not in html

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login_url})
    assert '<html lang="zh-hans">' in client.get(login_url).content.decode()


@pytest.mark.django_db
def test_wrong_password_shows_error(client, django_user_model):
    django_user_model.objects.create_user("lisi", password="Right-password-1")
    response = client.post(reverse("login"), {"username": "lisi", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html
    assert "请输入一个正确的" in html or "正确的用户名和密码" in html


@pytest.mark.django_db
def test_missing_field_error_is_next_to_the_field(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert 'id="id_username-errors"' in html
    assert 'aria-describedby="id_username-errors"' in html
    assert "is-invalid" in html


@pytest.mark.django_db
def test_login_redirects_home(client, django_user_model):
    django_user_model.objects.create_user("wangwu", password="Right-password-1")
    response = client.post(reverse("login"), {"username": "wangwu", "password": "Right-password-1"})
    assert response.status_code == 302
    assert response.url == reverse("home")


# ---- home page and layout ----

@pytest.mark.django_db
def test_home_lists_counties(staff_client, counties, django_assert_max_num_queries):
    staff_client.get(reverse("home"))  # computes and stores each county's dashboard once
    with django_assert_max_num_queries(5):  # session, user, counties, their stored headlines (+ savepoint slack)
        response = staff_client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "乌兰县" in html and "632821" in html
    assert "格尔木市" in html and "632801" in html
    assert "zhangsan" in html
    assert reverse("admin:index") in html  # staff see the admin link
    assert f'action="{reverse("logout")}"' in html


@pytest.mark.django_db
def test_home_links_to_report_figures(staff_client, counties):
    html = staff_client.get(reverse("home")).content.decode()
    figures_url = reverse("reports:figures")
    assert figures_url == "/reports/"
    assert f'href="{figures_url}"' in html  # navbar
    assert f'href="{figures_url}?county=632821"' in html
    assert f'href="{figures_url}?county=632801"' in html


@pytest.mark.django_db
def test_home_marks_demo_villages(staff_client, counties):
    from villages.models import Township, Village

    township = Township.objects.create(county=counties[0], name="希里沟镇", kind=Township.Kind.TOWN)
    Village.objects.create(township=township, code="632821100001", name="演示一村", is_demo=True)
    html = staff_client.get(reverse("home")).content.decode()
    assert 'class="demo-badge"' in html.split("<footer")[0]


@pytest.mark.django_db
def test_home_without_counties_says_so(staff_client):
    html = staff_client.get(reverse("home")).content.decode()
    assert "数据库中还没有县（市）" in html


@pytest.mark.django_db
def test_non_staff_get_no_admin_link(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("cadre1", password="x"))
    html = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") not in html


@pytest.mark.django_db
def test_the_cached_navigation_follows_each_users_counties_and_roles(client, django_user_model, counties):
    from django.contrib.auth.models import Group

    from povertyboard.access import COUNTY_STAFF
    from tests import factories as f

    wulan, golmud = counties
    url = reverse("password_change")  # the same page for both users, so the same path in the cache key
    staff = django_user_model.objects.create_user("nav-staff", password="x")
    staff.groups.add(Group.objects.get_or_create(name=COUNTY_STAFF)[0])
    area = f.make_user_area(user=staff, county=wulan)
    other = django_user_model.objects.create_user("nav-none", password="x")
    f.make_user_area(user=other, county=wulan)
    imports = reverse("imports:index")

    client.force_login(staff)
    html = client.get(url).content.decode()
    assert imports in html and reverse("areas:county", args=[wulan.code]) in html
    client.force_login(other)  # the same county, no role: no import link
    html = client.get(url).content.decode()
    assert imports not in html and reverse("areas:county", args=[wulan.code]) in html
    area.county = golmud  # moved to another county: its dashboard in the navigation
    area.save()
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert reverse("areas:county", args=[golmud.code]) in html
    assert reverse("areas:county", args=[wulan.code]) not in html
    golmud.name = "格尔木市（改名）"
    golmud.save()
    client.force_login(django_user_model.objects.create_user("nav-admin", password="x", is_superuser=True))
    assert "格尔木市（改名）" in client.get(url).content.decode()  # the counties' names are in the key


@pytest.mark.django_db
def test_layout_has_no_inline_script(staff_client, counties):
    for url in (reverse("home"), reverse("password_change")):
        html = staff_client.get(url).content.decode()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        assert scripts, url
        for attrs, body in scripts:
            assert "src=" in attrs and not body.strip(), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url  # no onclick= etc.


def test_vendor_assets_are_served_locally():
    assert finders.find("vendor/bootstrap/css/bootstrap.min.css")
    assert finders.find("vendor/bootstrap/js/bootstrap.bundle.min.js")
    assert finders.find("css/site.css")


@pytest.mark.django_db
def test_password_change_page_uses_site_layout(staff_client):
    response = staff_client.get(reverse("password_change"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "修改密码" in html and "site-nav" in html
    assert 'autocomplete="new-password"' in html


# ---- logout ----

@pytest.mark.django_db
def test_logout_by_post(staff_client):
    assert staff_client.get(reverse("logout")).status_code == 405  # Django 5: POST only
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    response = staff_client.get(reverse("home"))
    assert response.status_code == 302 and "/login/" in response.url


# ---- English catalogue ----

def parse_po(path):
    """(msgid, msgstr or list of plural msgstrs, flags) for every entry, header excluded."""
    entries, entry, field = [], None, None

    def finish():
        if entry and entry.get("msgid"):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgid": "", "msgstr": "", "plural": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["plural"][field] += value
            else:
                entry[field] += value
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = int(match.group(1))
                entry["plural"][field] = value
            elif keyword in {"msgid", "msgstr", "msgid_plural", "msgctxt"}:
                field = keyword
                entry[keyword] = value
            else:
                raise AssertionError(f"unexpected line in {path}: {raw!r}")
    return entries


def test_every_english_msgid_is_translated():
    entries = parse_po(PO_FILE)
    assert len(entries) > 100
    untranslated = [
        e["msgid"] for e in entries
        if "fuzzy" in e["flags"]
        or (e["plural"] and not all(e["plural"].values()))
        or (not e["plural"] and not e["msgstr"])
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_po():
    with MO_FILE.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for e in parse_po(PO_FILE):
        if e["plural"] or e.get("msgctxt"):
            continue
        assert catalogue.gettext(e["msgid"]) == e["msgstr"], f"{e['msgid']!r}: run compilemessages"


@pytest.mark.django_db
def test_pages_declare_a_local_favicon_so_browsers_do_not_request_favicon_ico(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("viewer", password="x-long-password-1"))
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    assert (settings.BASE_DIR / "static" / "img" / "favicon.svg").exists()
