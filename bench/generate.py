"""A seeded generator of synthetic records that pass `check`, for the benchmark (never committed).

    .venv/bin/python bench/generate.py N FOLDER     # a project in FOLDER: shipped schemas, templates,
                                                     # settings, districts, plans, institutes + N achievements

N achievements with 300–500 characters of Markdown summary, N/10 institutes, N/10 events, N/10 projects,
N/20 talents and N/20 carriers, spread over the shipped districts and the years 2016–2020. The same N and
seed always give the same bytes. Chinese text reuses sentences of the shipped records in seeded order, so
the search index sees real bigram variety; private fields (phones, reporters) are filled, so the privacy
scan works at full size.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEED = 20171231

FIELDS = [
    "electronics",
    "energy-environment",
    "equipment",
    "biotech-medicine",
    "new-materials",
    "agriculture",
    "consumer-goods",
]
STAGES = ["research", "trial-production", "small-batch", "mass-production"]
STATUSES = ["tracked", "negotiating", "transferred", "industrialised"]
EVENT_TYPES = ["tech-exchange", "matchmaking", "roadshow", "forum", "teacher-boss", "school-enterprise"]
MODES = ["contract-rd", "transfer", "licence", "joint-lab", "joint-development"]
CARRIER_TYPES = [
    "key-lab",
    "industrial-research-institute",
    "new-rd-institution",
    "enterprise-engineering-centre",
    "enterprise-technology-centre",
    "engineering-research-centre",
    "incubator",
    "graduate-workstation",
]
LEVELS = ["national", "provincial", "suzhou", "kunshan", "none"]
ADJ = ["高性能", "低功耗", "智能", "柔性", "高精度", "绿色", "可降解", "微型", "大功率", "耐高温", "快速", "便携式"]
THING = [
    "传感器",
    "电池隔膜",
    "伺服电机",
    "检测系统",
    "催化剂",
    "生物芯片",
    "光学薄膜",
    "控制算法",
    "涂层材料",
    "医疗器械",
    "育种技术",
    "储能装置",
    "视觉平台",
    "射频前端",
    "复合材料",
    "数据平台",
]
SUFFIX = ["关键技术", "制备工艺", "研发与应用", "集成系统", "产业化技术", "优化方法"]
ORGS = ["大学", "理工大学", "科技大学", "研究院", "工业技术研究院"]
PLACES = ["江东", "海西", "岭南", "河朔", "川中", "湖湘", "燕山", "吴越", "齐鲁", "关中", "滇池", "闽江"]
# Private names use compound surnames that never occur in the public text, so the privacy scan stays clean.
REPORTER_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙"]
LEAD_SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
GIVEN = ["文", "华", "明", "静", "磊", "芳", "军", "洋", "勇", "艳", "杰", "涛", "敏", "强", "丽", "鹏"]


def sentences() -> list[str]:
    """Every Chinese sentence of the shipped records' prose, sorted (so the pool is stable)."""
    pool: set[str] = set()
    for path in sorted((REPO / "records").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("summary", "fit", "promotion"):
            text = (data.get(key) or {}).get("zh", "") if isinstance(data.get(key), dict) else ""
            pool.update(s.strip() + "。" for s in text.split("。") if len(s.strip()) > 8)
    return sorted(pool)


class Generator:
    """Makes every synthetic record for one size, from one seeded random source."""

    def __init__(self, count: int, seed: int = SEED):
        self.count, self.rng = count, random.Random(seed * 1_000_003 + count)
        self.pool = sentences()
        districts = [
            yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((REPO / "records/districts").glob("*.yaml"))
        ]
        self.districts = [d["id"] for d in districts if d.get("kind") == "district"]
        self.shipped_institutes = sorted(p.stem for p in (REPO / "records/institutes").glob("*.yaml"))
        self.institutes = self.shipped_institutes + [f"bench-inst-{n:05d}" for n in range(max(1, count // 10))]
        self.achievements = [f"bench-ach-{n:06d}" for n in range(count)]

    def text(self, low: int, high: int) -> str:
        limit = self.rng.randint(low, high)
        out = ""
        while len(out) < limit:
            out += self.rng.choice(self.pool)
        return out[:limit].rstrip("，、；") + ("" if out[:limit].endswith("。") else "。")

    def markdown(self, low: int, high: int) -> str:
        """A summary in Markdown: a paragraph with emphasis, a short list, a closing paragraph."""
        body = self.text(low - 40, high - 60)
        cut = len(body) // 2
        items = [f"- {self.rng.choice(ADJ)}{self.rng.choice(THING)}" for _ in range(3)]
        return f"**{self.rng.choice(THING)}**：{body[:cut]}\n\n" + "\n".join(items) + f"\n\n{body[cut:]}"

    def date(self) -> str:
        return f"{self.rng.randint(2016, 2020)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def person(self, surnames: list[str]) -> str:
        return self.rng.choice(surnames) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))

    def title(self, n: int) -> str:
        return f"{self.rng.choice(ADJ)}{self.rng.choice(THING)}{self.rng.choice(SUFFIX)}（{n}号）"

    def enterprise(self, n: int) -> dict:
        return {"zh": f"昆山{self.rng.choice(PLACES)}{self.rng.choice(THING)}科技有限公司（{n}号）"}

    def records(self):
        """Yield (folder, id, data) for every synthetic record."""
        rng, n10, n20 = self.rng, max(1, self.count // 10), max(1, self.count // 20)
        for n, rid in enumerate(self.institutes[len(self.shipped_institutes) :]):
            yield (
                "institutes",
                rid,
                {
                    "id": rid,
                    "name": {
                        "zh": f"{rng.choice(PLACES)}{ORGS[n % len(ORGS)]}（{n}号）",
                        "en": f"Bench Institute No. {n}",
                    },
                    "type": "university" if n % 3 else "research-institute",
                    "country": "CN",
                    "summary": {"zh": self.text(60, 120)},
                },
            )
        for n, rid in enumerate(self.achievements):
            yield (
                "achievements",
                rid,
                {
                    "id": rid,
                    "name": {"zh": self.title(n)},
                    "institute": rng.choice(self.institutes),
                    "department": {"zh": f"{rng.choice(THING)}实验室"},
                    "lead": {"name": {"zh": self.person(LEAD_SURNAMES)}, "title": {"zh": "教授"}},
                    "contact_phone": f"0512-6{n:07d}",
                    "field": rng.choice(FIELDS),
                    "stage": rng.choice(STAGES),
                    "summary": {"zh": self.markdown(300, 500)},
                    "fit": {"zh": self.text(60, 200)},
                    "promotion": {"zh": self.text(40, 150)},
                    "district": rng.choice(self.districts),
                    "reporter": {"name": self.person(REPORTER_SURNAMES), "phone": f"0512-7{n:07d}"},
                    "reported": self.date(),
                    "status": rng.choice(STATUSES),
                },
            )
        for n in range(n10):
            start = self.date()
            yield (
                "events",
                f"bench-event-{n:05d}",
                {
                    "id": f"bench-event-{n:05d}",
                    "title": {"zh": f"{rng.choice(ADJ)}{rng.choice(THING)}对接会（{n}号）"},
                    "type": rng.choice(EVENT_TYPES),
                    "start": start,
                    "district": rng.choice(self.districts),
                    "institutes": sorted(set(rng.sample(self.institutes, 2))),
                    "achievements": sorted(set(rng.sample(self.achievements, min(2, self.count)))),
                    "venue": {"zh": f"{rng.choice(PLACES)}会议中心"},
                    "summary": {"zh": self.text(80, 200)},
                },
            )
        for n in range(n10):
            yield (
                "projects",
                f"bench-project-{n:05d}",
                {
                    "id": f"bench-project-{n:05d}",
                    "name": {"zh": f"{self.title(n)}合作项目"},
                    "district": rng.choice(self.districts),
                    "enterprise": self.enterprise(n),
                    "institutes": [rng.choice(self.institutes)],
                    "mode": rng.choice(MODES),
                    "signed": self.date(),
                    "achievement": rng.choice(self.achievements),
                    "value": rng.randint(10, 5000),
                    "summary": {"zh": self.text(40, 120)},
                },
            )
        for n in range(n20):
            yield (
                "talents",
                f"bench-talent-{n:05d}",
                {
                    "id": f"bench-talent-{n:05d}",
                    "name": {"zh": f"{rng.choice(THING)}研发团队（{n}号）"},
                    "form": "team",
                    "people": rng.randint(2, 12),
                    "institute": rng.choice(self.institutes),
                    "district": rng.choice(self.districts),
                    "enterprise": self.enterprise(n),
                    "date": self.date(),
                    "summary": {"zh": self.text(40, 120)},
                },
            )
        for n in range(n20):
            yield (
                "carriers",
                f"bench-carrier-{n:05d}",
                {
                    "id": f"bench-carrier-{n:05d}",
                    "name": {"zh": f"{rng.choice(THING)}工程中心（{n}号）"},
                    "type": rng.choice(CARRIER_TYPES),
                    "level": rng.choice(LEVELS),
                    "district": rng.choice(self.districts),
                    "enterprise": self.enterprise(n),
                    "institutes": [rng.choice(self.institutes)],
                    "established": self.date(),
                    "summary": {"zh": self.text(40, 120)},
                },
            )


def dump(data: dict) -> str:
    """YAML as staff write it: dates unquoted, phones quoted."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def generate(root: Path, count: int, seed: int = SEED) -> Path:
    """Write a project with `count` synthetic achievements (and the rest) into root; return root."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("schemas", "site_templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for kind in ("districts", "plans", "institutes"):
        shutil.copytree(REPO / "records" / kind, root / "records" / kind)
    made: set[Path] = set()
    for folder, rid, data in Generator(count, seed).records():
        out = root / "records" / folder
        if out not in made:
            out.mkdir(parents=True, exist_ok=True)
            made.add(out)
        (out / f"{rid}.yaml").write_text(dump(data), encoding="utf-8")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[2]), int(sys.argv[1]))
