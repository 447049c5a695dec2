from django.core.management.base import BaseCommand, CommandError

from demo.seed import SeedConflict, seed_reports


class Command(BaseCommand):
    help = "Load both report counties, every report figure and the deterministic demo rows (idempotent)."

    def handle(self, *args, **options):
        try:
            summary = seed_reports()
        except SeedConflict as exc:
            raise CommandError(f"拒绝写入种子数据，数据库未作任何修改：\n{exc}") from None
        self.stdout.write(summary)
