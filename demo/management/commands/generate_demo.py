import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from demo.generate import GenerateRefused, Plan, generate


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{value}")
    return number


class Command(BaseCommand):
    help = ("Generate a clearly marked demo dataset of N households (counties 99xxxx 演示县…, villages, members, "
            "cadres, measures, visits, funds, a scored 331 period) in a province's proportions. Refuses a database "
            "that already holds data unless --append.")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=positive_int, required=True,
                            help="number of households N (province scale: 200000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
        parser.add_argument("--append", action="store_true",
                            help="add demo counties beside the data already in the database")

    def handle(self, *args, households, seed, append, **options):
        plan = Plan.for_households(households)
        self.stdout.write(f"{plan.counties} 个演示县、{plan.villages} 个行政村、{plan.households} 户、"
                          f"{plan.cadres} 名干部（seed {seed}）")
        started = time.monotonic()
        try:
            counts = generate(households, seed=seed, append=append,
                              log=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None)
        except GenerateRefused as exc:
            raise CommandError(f"拒绝生成演示数据，数据库未作任何修改。数据库中已有：{exc}。"
                               "如确需在其旁追加演示数据，请加 --append。") from None
        for label, n in sorted(counts.items()):
            self.stdout.write(f"{label}: {n}")
        self.stdout.write(f"{sum(counts.values())} rows in {time.monotonic() - started:.1f} s")
