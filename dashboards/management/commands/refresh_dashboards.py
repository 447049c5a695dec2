import time

from django.core.management.base import BaseCommand, CommandError

from dashboards import snapshots
from villages.models import County, Township, Village


class Command(BaseCommand):
    help = ("Recompute the pre-aggregated dashboards that are out of date (changed since computed, or computed "
            "before today), in every language, so pages and the API read them ready. Run it from cron, e.g. every "
            "5 minutes, and with --all nightly.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recompute every dashboard, current or not")
        parser.add_argument("--county", action="append", default=[], metavar="CODE",
                            help="only this county's areas (6-digit code; may be repeated)")

    def handle(self, *args, **options):
        counties = County.objects.order_by("code")
        if options["county"]:
            counties = counties.filter(code__in=options["county"])
            missing = set(options["county"]) - set(counties.values_list("code", flat=True))
            if missing:
                raise CommandError(f"no county with code {', '.join(sorted(missing))}")
        started = time.monotonic()
        computed = areas = 0
        for county in counties:
            group = [county, *Township.objects.filter(county=county).select_related("county").order_by("pk"),
                     *Village.objects.filter(township__county=county).select_related("township__county")
                     .order_by("pk")]
            areas += len(group)
            computed += snapshots.refresh(group, everything=options["all"])
        self.stdout.write(f"{computed} dashboard(s) computed for {areas} area(s) in {time.monotonic() - started:.1f} s")
