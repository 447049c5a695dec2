"""Pick the load scenario's targets in the loaded database and print them as JSON (run through manage.py shell).

Adds one county-staff account, `loadstaff`, bound to the largest generated demo county (the seeded demo users
all work in 格尔木市/乌兰县, outside the generated data), so that the pages and the API lists read the N-household
county. The cadre (measure POSTs) and the supervisor (331 export) are the seeded demo users.
"""
import json

from django.contrib.auth.models import Group, User
from django.db.models import Count

from assessments.models import AssessmentPeriod, Scorecard
from households.models import Household
from povertyboard.access import COUNTY_STAFF, access_of
from villages.models import County, UserArea, Village

PASSWORD = "povertyboard-demo"

county = County.objects.filter(code__startswith="99").annotate(
    n=Count("townships__villages__households")).order_by("-n").first()
village = Village.objects.filter(township__county=county).annotate(n=Count("households")).order_by("-n").first()
staff, _ = User.objects.get_or_create(username="loadstaff")
staff.set_password(PASSWORD)
staff.save()
staff.groups.add(Group.objects.get(name=COUNTY_STAFF))
UserArea.objects.update_or_create(user=staff, defaults={"county": county, "prefecture": ""})

cadre = User.objects.get(username="cadre")
cadre_village = access_of(cadre).writable_villages().order_by("code").first()
supervisor = User.objects.get(username="supervisor")
sup_counties = access_of(supervisor).county_ids
period = (AssessmentPeriod.objects.filter(county_id__in=sup_counties, scorecards__isnull=False)
          .distinct().order_by("-pk").first())

print("TARGETS=" + json.dumps({
    "county_code": county.code, "county_name": county.name, "county_households": county.n,
    "village_code": village.code, "village_households": village.n,
    "cadre_village": cadre_village.code, "period_id": period.pk,
    "period_scorecards": Scorecard.objects.filter(period=period).count(),
    "households_total": Household.objects.count(),
}, ensure_ascii=False))
