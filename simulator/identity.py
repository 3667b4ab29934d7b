"""Personal identifiers as a real register export has them: names, ID numbers, mobiles, plates.

They exist only in landing files; ingest pseudonymizes them (data_contracts.privacy).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from data_contracts.privacy import id_check_character

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志红文辉海燕春梅鹏飞宇浩然子涵欣怡雨轩"
    "梓萱佳琪俊杰思远"
)
# Home region codes: the local district first (Anqing Daguan 340803), then origins of floating residents.
LOCAL_REGION = "340803"
OTHER_REGIONS = ["340822", "340826", "340811", "341502", "340102", "411502", "320102", "420102", "362502",
                 "430103", "510104", "341204"]
MOBILE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "158", "159", "166", "177", "180", "181", "186", "187", "188", "189", "199"]
PLATE_PREFIX = "皖H"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def id_number(rng: np.random.Generator, region: str, birth: dt.date, male: bool,
              issued: set[str] | None = None) -> str:
    """A valid ID number (odd sequence digit for men); unique among `issued`, which it is added to."""
    while True:
        seq = int(rng.integers(0, 500)) * 2 + (1 if male else 0)
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        number = first17 + id_check_character(first17)
        if issued is None or number not in issued:
            break
    if issued is not None:
        issued.add(number)
    return number


def person_name(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))
    return str(rng.choice(SURNAMES)) + given


def mobile(rng: np.random.Generator) -> str:
    return str(rng.choice(MOBILE_PREFIXES)) + f"{int(rng.integers(0, 10**8)):08d}"


def plate(rng: np.random.Generator) -> str:
    return PLATE_PREFIX + "".join(rng.choice(list(PLATE_CHARS), size=5))
