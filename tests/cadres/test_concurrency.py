"""No lost updates: two people editing the same measure — the second save is refused, nothing overwritten."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from households import services
from households.models import Measure

pytestmark = pytest.mark.django_db


def edit_data(response, **changes):
    """The edit form as the browser would send it back: its loaded values (incl. the hidden version) + changes."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(changes)
    return data


def test_second_save_of_a_stale_form_is_refused_with_the_current_values(world):
    url = reverse("work:measure_edit", args=[world.measure.pk])
    first, second = Client(), Client()
    first.force_login(world.cadre_user)
    second.force_login(world.teammate_user)  # both work in the same village
    loaded_first, loaded_second = first.get(url), second.get(url)
    assert 'name="version"' in loaded_first.content.decode()

    response = first.post(url, edit_data(loaded_first, title="第一人的修改", amount="7000"))
    assert response.status_code == 302

    response = second.post(url, edit_data(loaded_second, title="第二人的修改", amount="9000"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "此措施已被他人修改" in html
    assert response.context["form"]["title"].value() == "第一人的修改"  # the current values, not theirs
    assert response.context["form"]["version"].value() == 2

    measure = Measure.objects.get(pk=world.measure.pk)
    assert (measure.title, measure.amount, measure.version) == ("第一人的修改", Decimal("7000"), 2)

    # having seen the current values, the second person can save on top of them
    response = second.post(url, edit_data(response, title="第二人的修改"))
    assert response.status_code == 302
    assert Measure.objects.get(pk=world.measure.pk).title == "第二人的修改"


def test_stale_implement_and_cancel_are_refused(world):
    first, second = Client(), Client()
    first.force_login(world.cadre_user)
    second.force_login(world.teammate_user)
    cancel_url = reverse("work:measure_cancel", args=[world.measure.pk])
    implement_url = reverse("work:measure_implement", args=[world.measure.pk])
    loaded = second.get(cancel_url).context["form"]["version"].value()
    first.post(implement_url, {"version": 1, "implemented_date": "2016-05-01", "amount": "10", "evidence": "签收"})
    response = second.post(cancel_url, {"version": loaded, "cancel_reason": "不需要了"})
    assert response.status_code == 200 and "此措施已被他人修改" in response.content.decode()
    measure = Measure.objects.get(pk=world.measure.pk)
    assert measure.status == Measure.Status.IMPLEMENTED and measure.cancel_reason == ""


def test_service_claims_the_version_atomically(world):
    """The conditional UPDATE is the guard: a writer that passed the first check still loses the race."""
    measure = Measure.objects.get(pk=world.measure.pk)
    services.update_measure(user=world.cadre_user, measure=measure, version=1, title="A")
    with pytest.raises(services.StaleMeasure) as refused:
        services.update_measure(user=world.teammate_user, measure=measure, version=1, title="B")
    assert refused.value.current.title == "A"
    # simulate the race: the row changes between the read and the claim
    stale = Measure.objects.get(pk=world.measure.pk)
    Measure.objects.filter(pk=stale.pk).update(version=99)
    with pytest.raises(services.StaleMeasure):
        services._claim(stale, 2)
    assert Measure.objects.get(pk=stale.pk).title == "A"
    services.implement_measure(user=world.cadre_user, measure=stale, version=99,
                               implemented_date=datetime.date(2016, 4, 1), amount=Decimal(1), evidence="x")
    assert Measure.objects.get(pk=stale.pk).version == 100
