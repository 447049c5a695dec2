from django.core.management.base import BaseCommand, CommandError

from dashboards.figures import plain, reconcile


class Command(BaseCommand):
    help = "Recompute every stored report figure from the rows; exit 1 on any mismatch."

    def handle(self, *args, **options):
        results = reconcile()
        if not results:
            raise CommandError("no report figures stored: run seed_reports first")
        for r in results:
            f = r.figure
            sign = "≥" if f.comparison == "at_least" else "="
            status = "OK" if r.ok else "MISMATCH"
            self.stdout.write(f"{f.county.code} {f.county.name}\t{f.key}\treport {sign} {plain(f.value)} {f.unit}\t"
                              f"computed {plain(r.computed)}\t{status}")
        bad = [r for r in results if not r.ok]
        self.stdout.write(f"{len(results) - len(bad)} OK, {len(bad)} MISMATCH")
        if bad:
            raise CommandError(f"{len(bad)} figure(s) do not match the rows")
