"""`c360 seed`: a realistic, deterministic demo graph, loaded through the import path.

`generate(customers, seed)` yields import records (the same dictionaries a JSON Lines file
holds) and `seed_graph` feeds them to `graph.ingest.importer.import_records`, so demo data is
validated, cleansed and written exactly like a user's import. Everything derives from the
seed and a fixed reference time (`REFERENCE_TIME`), never from the clock: the same seed gives
the same ids and values on every machine.

The picture it draws (zh_CN names and places from Faker):

- customers with a gender-matched name, email, phone (some written loosely, to exercise the
  normalisers), birth date, a city with its region (上海→华东, 北京→华北, 深圳→华南, ...),
  the channel they came from and when;
- a tag taxonomy (人口属性 > 年龄段 > 25-34岁, 价值分层 > 高价值客户, ...) and tags given to
  each customer from their own data (age band from the birth date, value tier from spending,
  interest from what they viewed, activity from their last interaction, ...);
- products in eight categories with a SKU and a price, some far more popular than others;
- interactions with a Pareto-like skew (a few customers do most of the buying; about 15 per
  customer on average, mostly views), purchases costing price × quantity;
- 2-4 lifecycle moves per buying customer, ending in the stage their activity implies.

Order: the taxonomy, the products, every customer, then each customer's interactions, tags
and stage moves. Customer n's values come from a random stream of its own (seeded with the
seed and n), drawn once for the customer line and again for the activity, so nothing is kept
in memory and the importer writes customers in full batches before anything refers to them.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from faker import Faker

from graph.db import Graph
from graph.ingest.importer import DEFAULT_BATCH_SIZE, DEFAULT_WRITERS, ImportReport, import_records

REFERENCE_TIME: Final = datetime(2026, 11, 1, tzinfo=UTC)
SOURCE: Final = "seed"
_REF_TS: Final = int(REFERENCE_TIME.timestamp())
_DAY: Final = 86_400
_FIRST_SIGNUP_DAYS: Final = 6 * 365  # customers signed up over the six years before REF
_TAG_NAMESPACE: Final = uuid.UUID("6f1d3c52-5a8e-4bb4-9a43-0c3600000000")

Record = tuple[str, int, dict[str, Any]]
SeedProgress = Callable[[int, int], None]  # (customers generated, customers asked for)

# -- reference data -------------------------------------------------------------------------

# (city, region, weight): customers live mostly in the big eastern and southern cities.
CITIES: Final = (
    ("上海", "华东", 12),
    ("北京", "华北", 11),
    ("深圳", "华南", 9),
    ("广州", "华南", 8),
    ("成都", "西南", 7),
    ("杭州", "华东", 6),
    ("重庆", "西南", 6),
    ("武汉", "华中", 5),
    ("南京", "华东", 5),
    ("苏州", "华东", 5),
    ("西安", "西北", 4),
    ("长沙", "华中", 4),
    ("天津", "华北", 3),
    ("郑州", "华中", 3),
    ("青岛", "华东", 3),
    ("厦门", "华东", 2),
    ("福州", "华东", 2),
    ("合肥", "华东", 2),
    ("昆明", "西南", 2),
    ("石家庄", "华北", 2),
    ("沈阳", "东北", 2),
    ("大连", "东北", 2),
    ("哈尔滨", "东北", 2),
    ("南宁", "华南", 1),
    ("兰州", "西北", 1),
)
REGIONS: Final = ("华东", "华北", "华南", "华中", "西南", "西北", "东北")

# (channel, weight, description): where a customer came from.
CHANNELS: Final = (
    ("线上商城", 30, "在品牌线上商城注册的客户"),
    ("小程序", 22, "通过微信小程序注册的客户"),
    ("APP", 18, "通过手机 APP 注册的客户"),
    ("门店", 20, "在线下门店登记的客户"),
    ("电话销售", 5, "由电话销售开发的客户"),
    ("合作伙伴", 5, "由合作伙伴推荐的客户"),
)

# category: (code, price range, brands, items); items become "<brand> <item> <variant>".
PRODUCT_CATALOG: Final = {
    "手机": (
        "PHN",
        (999, 8999),
        ("华为", "小米", "OPPO", "vivo", "荣耀", "苹果"),
        ("旗舰手机", "轻薄手机", "拍照手机", "游戏手机"),
    ),
    "电脑": (
        "PC",
        (3499, 15999),
        ("联想", "华为", "戴尔", "惠普", "苹果"),
        ("轻薄本", "游戏本", "台式机", "平板电脑"),
    ),
    "家电": (
        "APL",
        (399, 8999),
        ("美的", "格力", "海尔", "海信", "小天鹅"),
        ("空调", "冰箱", "洗衣机", "电视", "微波炉", "空气净化器"),
    ),
    "服饰": (
        "CLO",
        (59, 1999),
        ("优衣库", "李宁", "波司登", "太平鸟", "海澜之家"),
        ("T恤", "羽绒服", "牛仔裤", "衬衫", "卫衣"),
    ),
    "美妆": (
        "BEA",
        (49, 999),
        ("完美日记", "花西子", "百雀羚", "自然堂", "珀莱雅"),
        ("口红", "面霜", "精华液", "粉底液", "面膜"),
    ),
    "食品": (
        "FOD",
        (19, 399),
        ("三只松鼠", "良品铺子", "伊利", "蒙牛", "百草味"),
        ("坚果礼盒", "纯牛奶", "零食大礼包", "茶叶", "酸奶"),
    ),
    "母婴": (
        "BAB",
        (49, 599),
        ("飞鹤", "好奇", "帮宝适", "贝亲", "君乐宝"),
        ("婴儿奶粉", "纸尿裤", "奶瓶", "湿巾"),
    ),
    "运动户外": (
        "SPT",
        (49, 2999),
        ("安踏", "李宁", "迪卡侬", "特步", "探路者"),
        ("跑步鞋", "瑜伽垫", "登山包", "冲锋衣", "运动手环"),
    ),
}
_VARIANTS: Final = ("标准版", "Pro", "青春版", "尊享版", "Max", "经典款", "2026款", "礼盒装")
PRODUCTS_PER_CATEGORY: Final = 15  # 8 categories: 120 products

AGE_BANDS: Final = ((18, 24, "18-24岁"), (25, 34, "25-34岁"), (35, 44, "35-44岁"))
AGE_BANDS_OLDER: Final = ((45, 54, "45-54岁"), (55, 200, "55岁及以上"))

# (name, parent, description); a root's category is its own name, others inherit the root's.
TAXONOMY: Final[tuple[tuple[str, str | None, str], ...]] = (
    ("人口属性", None, "年龄、性别、地域等人口统计属性"),
    ("年龄段", "人口属性", "按出生日期计算的年龄区间"),
    *((band, "年龄段", f"年龄在{band}之间的客户") for _, _, band in AGE_BANDS + AGE_BANDS_OLDER),
    ("性别", "人口属性", "客户的性别"),
    ("男", "性别", "男性客户"),
    ("女", "性别", "女性客户"),
    ("地域", "人口属性", "客户所在的地区"),
    *((region, "地域", f"居住在{region}地区的客户") for region in REGIONS),
    ("价值分层", None, "按累计消费金额划分的客户价值"),
    ("高价值客户", "价值分层", "累计消费 2 万元及以上"),
    ("中等价值客户", "价值分层", "累计消费 3 千至 2 万元"),
    ("低价值客户", "价值分层", "累计消费不足 3 千元"),
    ("购买行为", None, "按购买频次与最近活跃时间划分"),
    ("新客户", "购买行为", "注册不足 90 天"),
    ("活跃客户", "购买行为", "最近 30 天内有互动且有购买记录"),
    ("高频购买", "购买行为", "累计购买 10 次及以上"),
    ("休眠客户", "购买行为", "超过 180 天没有任何互动"),
    ("兴趣偏好", None, "按浏览与购买记录推断的品类偏好"),
    *(
        (f"对{category}感兴趣", "兴趣偏好", f"经常浏览{category}类商品")
        for category in PRODUCT_CATALOG
    ),
    ("客户类型", None, "个人、企业与 VIP 客户"),
    ("个人客户", "客户类型", "以个人身份购买的客户"),
    ("企业客户", "客户类型", "以企业身份采购的客户"),
    ("VIP", "客户类型", "高价值且多次购买的重点客户"),
    ("渠道来源", None, "客户首次注册的渠道"),
    *((channel, "渠道来源", description) for channel, _, description in CHANNELS),
)

# Interaction types and how often each occurs (views dominate).
_TYPES: Final = ("VIEW", "PURCHASE", "EMAIL", "CALL", "TICKET", "FEEDBACK", "MEETING")
_TYPE_WEIGHTS: Final = (58, 20, 8, 5, 3, 3, 3)
_SHOP_CHANNELS: Final = ("线上商城", "APP", "小程序", "门店")
_CHANNEL_OF_TYPE: Final = {
    "EMAIL": "邮件",
    "CALL": "电话",
    "TICKET": "客服系统",
    "FEEDBACK": "问卷",
    "MEETING": "线下拜访",
}
_NOTES: Final = {
    "EMAIL": ("会员日活动邀请", "订单发货通知", "新品推荐", "积分到期提醒"),
    "CALL": ("咨询产品参数", "询问配送进度", "回访满意度", "咨询以旧换新"),
    "TICKET": ("商品破损申请退换", "发票开具问题", "物流延迟投诉", "售后维修预约"),
    "FEEDBACK": ("对配送速度满意", "希望增加颜色选择", "客服响应很快", "包装可以更环保"),
    "MEETING": ("年度采购洽谈", "新品试用会", "企业团购方案沟通", "合同续签"),
}
_EMAIL_DOMAINS: Final = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com")
# Mobile number prefixes (China Mobile, China Unicom, China Telecom).
_MOBILE_PREFIXES: Final = (
    *range(130, 140),
    *(147, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173, 175, 176, 177, 178),
    *(180, 181, 182, 183, 185, 186, 187, 188, 189, 199),
)


@dataclass(frozen=True)
class _Product:
    id: str
    category: str
    price: float


@dataclass(frozen=True)
class _Profile:
    """Who a customer is: drawn from the customer's own random stream, so it can be drawn
    again (identically) when their activity is generated, without keeping it in memory."""

    n: int
    id: str
    gender: str
    birth: date
    city: str
    region: str
    channel: str
    signed_up: int  # Unix time
    enterprise: bool


# -- generation -----------------------------------------------------------------------------


def tag_id(name: str) -> str:
    """Seeded tags get ids derived from their names, so every seed run agrees on them."""
    return str(uuid.uuid5(_TAG_NAMESPACE, name))


# Tickets: how often each priority occurs, typical minutes to a first response and hours to
# resolve (exponential around them, so some breach their targets), and who works on them.
_PRIORITIES: Final = ("LOW", "NORMAL", "HIGH", "URGENT")
_PRIORITY_WEIGHTS: Final = (20, 55, 18, 7)
_RESPONSE_MINUTES: Final = {"LOW": 480, "NORMAL": 240, "HIGH": 60, "URGENT": 20}
_RESOLUTION_HOURS: Final = {"LOW": 96, "NORMAL": 40, "HIGH": 14, "URGENT": 3}
AGENTS: Final = ("li", "wang", "zhang", "liu", "chen", "yang")
# Feedback scores 0..10, mostly content (NPS around +20).
SCORE_WEIGHTS: Final = (2, 1, 2, 2, 3, 5, 7, 11, 17, 22, 28)


def ticket_fields(line: dict[str, Any], opened: int, rng: random.Random) -> None:
    """A ticket's service fields, as of REFERENCE_TIME. `rng` is the ticket's own, apart from
    the demo's stream, so the rest of the demo graph is what it was before tickets had them."""
    priority = rng.choices(_PRIORITIES, weights=_PRIORITY_WEIGHTS)[0]
    line["priority"] = priority
    line["assignee"] = rng.choice(AGENTS)
    responded = opened + int(rng.expovariate(1 / _RESPONSE_MINUTES[priority]) * 60)
    resolved = responded + int(rng.expovariate(1 / _RESOLUTION_HOURS[priority]) * 3600)
    if responded > _REF_TS:
        line["status"] = "OPEN"
        return
    line["firstResponseAt"] = _iso(responded)
    if resolved > _REF_TS:
        line["status"] = "PENDING"
        return
    line["status"] = "CLOSED" if rng.random() < 0.7 else "RESOLVED"
    line["resolvedAt"] = _iso(resolved)


def _iso(ts: int) -> str:
    """ISO 8601 in UTC for a Unix time (twice as fast as datetime.isoformat)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _tags() -> Iterator[dict[str, Any]]:
    root_of: dict[str, str] = {}
    for name, parent, description in TAXONOMY:
        root_of[name] = root_of[parent] if parent else name
        line: dict[str, Any] = {
            "kind": "tag",
            "id": tag_id(name),
            "name": name,
            "category": root_of[name],
            "description": description,
        }
        if parent:
            line["parent"] = parent
        yield line


def _products(rng: random.Random) -> list[tuple[_Product, dict[str, Any]]]:
    products = []
    number = 0
    for category, (code, (low, high), brands, items) in PRODUCT_CATALOG.items():
        names: set[str] = set()
        while len(names) < PRODUCTS_PER_CATEGORY:
            names.add(f"{rng.choice(brands)} {rng.choice(items)} {rng.choice(_VARIANTS)}")
        for k, name in enumerate(sorted(names), start=1):
            number += 1
            # Prices cluster at the low end of the range and end in 9, as shops price them.
            price = float(int((low + (high - low) * rng.random() ** 2) / 10) * 10 + 9)
            product = _Product(f"P{number:04d}", category, price)
            line = {
                "kind": "product",
                "id": product.id,
                "sku": f"SKU-{code}-{k:04d}",
                "name": name,
                "category": category,
                "price": price,
            }
            products.append((product, line))
    return products


class _Generator:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"c360-seed:{seed}:products")  # then one stream per customer
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        person = self.fake.provider("faker.providers.person")
        last_names = person.last_names  # surname -> frequency
        self.last_names: Sequence[str] = list(last_names)
        self.last_weights = list(itertools.accumulate(last_names.values()))
        self.first_names = {"M": person.first_names_male, "F": person.first_names_female}
        self.cities = [(city, region) for city, region, _ in CITIES]
        self.city_weights = list(itertools.accumulate(w for _, _, w in CITIES))
        self.channels = [channel for channel, _, _ in CHANNELS]
        self.channel_weights = list(itertools.accumulate(w for _, w, _ in CHANNELS))
        self.type_weights = list(itertools.accumulate(_TYPE_WEIGHTS))
        self.interaction_no = 0
        self.product_lines = _products(self.rng)
        self.by_category: dict[str, list[_Product]] = {}
        for product, _ in self.product_lines:
            self.by_category.setdefault(product.category, []).append(product)
        # Popularity: the k-th product of a category is chosen about 1/k^0.8 as often.
        self.category_weights = {
            category: list(itertools.accumulate(1 / k**0.8 for k in range(1, len(items) + 1)))
            for category, items in self.by_category.items()
        }
        self.categories = list(self.by_category)

    def choose(self, items: Sequence[Any], cum_weights: Sequence[float]) -> Any:
        rng = self.rng
        return items[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]

    def records(self, customers: int, progress: SeedProgress | None) -> Iterator[dict[str, Any]]:
        yield from _tags()
        for _, line in self.product_lines:
            yield line
        # Every customer first, then everyone's activity: the importer writes customers in
        # full batches and no batch of interactions waits for a customer batch before it.
        # Each profile is drawn twice from the customer's own stream rather than kept.
        for n in range(1, customers + 1):
            yield self.customer(self.profile(n))
        for n in range(1, customers + 1):
            yield from self.activity_lines(self.profile(n))
            if progress is not None and (n % 100 == 0 or n == customers):
                progress(n, customers)

    def profile(self, n: int) -> _Profile:
        """Start customer n's own random stream and draw who they are from it."""
        rng = self.rng = random.Random(f"c360-seed:{self.seed}:{n}")
        gender = "F" if rng.random() < 0.51 else "M"
        if rng.random() < 0.02:
            gender = "U"
        age = min(18 + int(rng.gammavariate(3.0, 6.0)), 80)
        city, region = self.choose(self.cities, self.city_weights)
        return _Profile(
            n=n,
            id=f"C{n:07d}",
            gender=gender,
            birth=REFERENCE_TIME.date() - timedelta(days=age * 365 + rng.randrange(365)),
            city=city,
            region=region,
            channel=self.choose(self.channels, self.channel_weights),
            # Sign-ups grow over the years: recent ones are more frequent.
            signed_up=_REF_TS - int(_FIRST_SIGNUP_DAYS * _DAY * rng.random() ** 1.6) - _DAY,
            enterprise=rng.random() < 0.08,
        )

    def customer(self, p: _Profile) -> dict[str, Any]:
        first_names = self.first_names["M" if p.gender == "U" else p.gender]
        name = self.choose(self.last_names, self.last_weights) + self.rng.choice(first_names)
        return {
            "kind": "customer",
            "id": p.id,
            "name": name,
            "email": self.email(),
            "phone": self.phone(),
            "gender": p.gender,
            "birthDate": p.birth.isoformat(),
            "city": p.city,
            "region": p.region,
            "source": p.channel,
            "createdAt": _iso(p.signed_up),
        }

    def activity_lines(self, p: _Profile) -> Iterator[dict[str, Any]]:
        interactions, purchases, spent, last_seen, favourite = self.activity(
            p.id, p.signed_up, p.enterprise
        )
        yield from interactions
        yield from self.assignments(p, purchases, spent, last_seen, favourite)
        yield from self.stages(p.id, p.signed_up, purchases, last_seen)

    def email(self) -> str:
        rng = self.rng
        email = f"{self.fake.user_name()}{rng.randrange(100)}@{rng.choice(_EMAIL_DOMAINS)}"
        if rng.random() < 0.05:  # typed carelessly: the importer lower-cases and trims
            email = f" {email.capitalize()} "
        return email

    def phone(self) -> str:
        rng = self.rng
        digits = f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        style = rng.random()
        if style < 0.1:
            return f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
        if style < 0.2:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        return digits

    def activity(
        self, customer_id: str, signed_up: int, enterprise: bool
    ) -> tuple[list[dict[str, Any]], list[int], float, int, str | None]:
        """The customer's interactions, purchase times, spending, last contact, favourite."""
        rng = self.rng
        # How long since the last contact: most are recent, some drift away.
        r = rng.random()
        if r < 0.55:
            quiet_days = rng.randrange(30)
        elif r < 0.75:
            quiet_days = 30 + rng.randrange(60)
        elif r < 0.85:
            quiet_days = 90 + rng.randrange(90)
        elif r < 0.93:
            quiet_days = 180 + rng.randrange(185)
        else:
            quiet_days = 365 + rng.randrange(700)
        last_seen = max(_REF_TS - quiet_days * _DAY - rng.randrange(_DAY), signed_up + 7 * _DAY)
        prospect = rng.random() < 0.06
        # Pareto-like activity: mean about 15 interactions, a long tail of heavy users.
        count = 1 + rng.randrange(3) if prospect else min(int(rng.paretovariate(1.6) * 6.6), 400)
        count = max(count, 1)
        interests = rng.sample(self.categories, 2)
        # Distinct, increasing times after the sign-up, the last one being the last contact.
        span = max(last_seen - signed_up - 60, 1)
        times = sorted(signed_up + 60 + int(span * rng.random()) for _ in range(count - 1))
        times.append(last_seen)
        for k in range(1, count):
            times[k] = max(times[k], times[k - 1] + 1)
        interactions = []
        purchases: list[int] = []
        spent = 0.0
        views: dict[str, int] = {}
        for k, ts in enumerate(times):
            if prospect:
                itype = "VIEW"
            else:
                itype = self.choose(_TYPES, self.type_weights)
                if enterprise and itype == "CALL":
                    itype = "MEETING"
                if k == 1 and not purchases:
                    itype = "PURCHASE"  # buyers made at least one purchase early on
            self.interaction_no += 1
            line: dict[str, Any] = {
                "kind": "interaction",
                "id": f"I{self.interaction_no:09d}",
                "customerId": customer_id,
                "type": itype,
                "occurredAt": _iso(ts),
            }
            if itype == "VIEW" or itype == "PURCHASE":
                category = (
                    interests[0]
                    if rng.random() < 0.6
                    else (interests[1] if rng.random() < 0.5 else rng.choice(self.categories))
                )
                product = self.choose(self.by_category[category], self.category_weights[category])
                line["productId"] = product.id
                line["channel"] = rng.choice(_SHOP_CHANNELS)
                if itype == "PURCHASE":
                    q = rng.random()
                    quantity = 1 if q < 0.8 else 2 if q < 0.95 else 3 + rng.randrange(3)
                    if enterprise:
                        quantity *= 5
                    amount = round(product.price * quantity, 2)
                    line["quantity"] = quantity
                    line["amount"] = amount
                    purchases.append(ts)
                    spent += amount
                else:
                    views[category] = views.get(category, 0) + 1
            else:
                line["channel"] = _CHANNEL_OF_TYPE[itype]
                line["note"] = rng.choice(_NOTES[itype])
                if itype == "TICKET":
                    ticket_fields(line, ts, random.Random(self.interaction_no))
                elif itype == "FEEDBACK":
                    line["score"] = random.Random(self.interaction_no).choices(
                        range(11), weights=SCORE_WEIGHTS
                    )[0]
            interactions.append(line)
        favourite = (
            max(views, key=views.__getitem__) if views and max(views.values()) >= 3 else None
        )
        return interactions, purchases, spent, last_seen, favourite

    def assignments(
        self,
        p: _Profile,
        purchases: list[int],
        spent: float,
        last_seen: int,
        favourite: str | None,
    ) -> Iterator[dict[str, Any]]:
        """Tags that follow from the customer's data, as a rule engine would give them."""
        customer_id, birth, gender, region = p.id, p.birth, p.gender, p.region
        channel, enterprise, signed_up = p.channel, p.enterprise, p.signed_up
        ref_date = REFERENCE_TIME.date()
        age = (
            ref_date.year - birth.year - ((ref_date.month, ref_date.day) < (birth.month, birth.day))
        )
        tags = [next(band for low, high, band in AGE_BANDS + AGE_BANDS_OLDER if low <= age <= high)]
        if gender in ("M", "F"):
            tags.append("男" if gender == "M" else "女")
        tags += [region, channel, "企业客户" if enterprise else "个人客户"]
        if purchases:
            tier = (
                "高价值客户"
                if spent >= 20000
                else "中等价值客户"
                if spent >= 3000
                else "低价值客户"
            )
            tags.append(tier)
            if tier == "高价值客户" and len(purchases) >= 5:
                tags.append("VIP")
            if len(purchases) >= 10:
                tags.append("高频购买")
            if _REF_TS - last_seen <= 30 * _DAY:
                tags.append("活跃客户")
        if _REF_TS - signed_up <= 90 * _DAY:
            tags.append("新客户")
        if _REF_TS - last_seen > 180 * _DAY:
            tags.append("休眠客户")
        if favourite is not None:
            tags.append(f"对{favourite}感兴趣")
        assigned = _iso(max(last_seen, signed_up))
        for tag in tags:
            yield {
                "kind": "tagAssignment",
                "customerId": customer_id,
                "tag": tag,
                "assignedAt": assigned,
            }

    def stages(
        self, customer_id: str, signed_up: int, purchases: list[int], last_seen: int
    ) -> Iterator[dict[str, Any]]:
        path = [("PROSPECT", signed_up)]
        if purchases:
            path.append(("NEW", purchases[0]))
            if len(purchases) >= 2:
                path.append(("ACTIVE", purchases[1]))
            if len(purchases) >= 6:
                path.append(("LOYAL", purchases[5]))
            quiet = _REF_TS - last_seen
            for days, stage in ((365, "CHURNED"), (180, "DORMANT"), (90, "AT_RISK")):
                if quiet > days * _DAY:
                    path.append((stage, last_seen + days * _DAY))
                    break
        for stage, ts in path[-4:]:
            yield {"kind": "stage", "customerId": customer_id, "stage": stage, "since": _iso(ts)}


def generate(
    customers: int = 1000, seed: int = 42, progress: SeedProgress | None = None
) -> Iterator[Record]:
    """The demo graph as import records `(source, line number, line)`, in a fixed order."""
    if customers < 0:
        raise ValueError("customers must not be negative")
    lines = _Generator(seed).records(customers, progress)
    for number, line in enumerate(lines, start=1):
        yield SOURCE, number, line


async def seed_graph(
    graph: Graph,
    customers: int = 1000,
    seed: int = 42,
    *,
    progress: SeedProgress | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    writers: int = DEFAULT_WRITERS,
) -> ImportReport:
    """Generate and import the demo graph; `now` is REFERENCE_TIME so reruns agree."""
    return await import_records(
        graph,
        generate(customers, seed, progress),
        batch_size=batch_size,
        writers=writers,
        now=REFERENCE_TIME,
    )


async def has_customers(graph: Graph) -> bool:
    """Whether the database holds any customer (`c360 serve --demo` seeds only when not)."""
    row = await graph.read_one("ingest/has_customers")
    return bool(row and row["hasCustomers"])
