"""Policy matching: 100,000 enterprises × 100 policies, ours against OpenFisca in the same run.

(a) Evaluation alone on the same in-memory population: our compiled rules over numpy columns
    (`evaluate_bulk`) against OpenFisca (`simulation.calculate` of one eligibility variable
    per policy in a small country package written below); both must find the same eligible
    count for every policy. The baseline is OpenFisca (1.00× = as fast as OpenFisca).
(b) Our end-to-end re-match (load the snapshot from the database, evaluate, diff against the
    stored matches, write) on SQLite and, when reachable, PostgreSQL — each in a fresh
    database of its own, in a child process. Baseline: the first, cold match that writes
    every row.
(c) One enterprise's full explanation (`explain` of all 100 policies), median.

The population and the policies are generated from fixed seeds. Money is in whole 10,000 CNY
so OpenFisca's float32 and our float64 agree on every threshold.
"""

import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.timing import report

ENTERPRISES = int(os.environ.get("ONEZONE_BENCH_POLICY_ENTERPRISES", "100000"))
# (b) stores every enterprise and match through the ORM; a smaller size can be asked for.
DB_ENTERPRISES = int(os.environ.get("ONEZONE_BENCH_POLICY_DB_ENTERPRISES", str(ENTERPRISES)))
POLICIES = 100
AT = datetime.date(2025, 6, 30)
YEAR = "2025"
SEED = 20251127
ZONES = ["chip_valley", "aviation", "biomed"]
SIZES = ["large", "medium", "small", "micro"]
STAGES = ["startup", "growth", "mature"]
TAGS = ["high_tech", "specialised", "sci_tech_sme", "gazelle"]
INDUSTRIES = [
    "3973", "3974", "3971", "3972", "6520", "6511", "6512", "6513", "3741", "3742", "3744",
    "3963", "2710", "2720", "2761", "2770", "3581", "3589", "5612", "7320", "7340", "6311",
]  # fmt: skip
SECTIONS = ["C", "I", "G", "M"]
TARGETS = ["397", "3973", "652", "651", "276", "374", "358", "27", "73", "3963"]
PREFIXES = ["39", "397", "3973", "652", "65", "651", "C", "I", "27", "276", "374", "73", "358"]
FLOAT_FIELDS = [
    "employees",
    "revenue_10k_cny",
    "assets_10k_cny",
    "rd_expense_10k_cny",
    "invention_patents",
    "rd_staff",
    "age_years",
    "revenue_growth",
]


# ---- the population ---------------------------------------------------------------------------


def _unknown(rng, values: np.ndarray, share: float) -> np.ndarray:
    values = values.astype(float)
    values[rng.random(len(values)) < share] = np.nan
    return values


def population(count: int) -> dict:
    """Synthetic enterprises as coded columns (-1 / NaN: unknown)."""
    rng = np.random.default_rng(SEED)
    revenue = np.round(rng.lognormal(7.0, 1.6, count)).clip(0, 900_000)
    previous = np.round(revenue * rng.uniform(0.6, 1.5, count)).clip(0, 900_000)
    rd = np.round(revenue * rng.beta(1.2, 25, count))
    start = datetime.date(2000, 1, 1).toordinal()
    registered = rng.integers(start, AT.toordinal(), count)
    industry = rng.integers(0, len(INDUSTRIES), count)
    industry[rng.random(count) < 0.02] = -1
    size = rng.choice(4, count, p=[0.05, 0.2, 0.45, 0.3])
    size[rng.random(count) < 0.03] = -1
    stage = rng.integers(0, 3, count)
    stage[rng.random(count) < 0.2] = -1
    return {
        "zone": rng.integers(0, len(ZONES), count),
        "industry": industry,
        "size": size,
        "stage": stage,
        "tags": {
            tag: rng.random(count) < p for tag, p in zip(TAGS, [0.15, 0.1, 0.2, 0.05], strict=True)
        },
        "employees": _unknown(rng, np.round(rng.lognormal(3.5, 1.2, count)), 0.04),
        "revenue_10k_cny": _unknown(rng, revenue, 0.05),
        "previous_revenue": _unknown(rng, previous, 0.2),
        "assets_10k_cny": _unknown(rng, np.round(revenue * rng.uniform(0.5, 3, count)), 0.1),
        "rd_expense_10k_cny": _unknown(rng, rd, 0.08),
        "invention_patents": _unknown(rng, rng.poisson(1.5, count), 0.1),
        "rd_staff": _unknown(rng, rng.poisson(8, count), 0.1),
        "registered_on": registered,
    }


def our_snapshot(people: dict):
    """The population as our engine's columnar Snapshot."""
    from onezone.policies.engine.facts import Snapshot, _ages, _ratio_column

    count = len(people["zone"])
    registered = people["registered_on"].astype(float)
    revenue, previous = people["revenue_10k_cny"], people["previous_revenue"]
    columns = {name: people[name] for name in FLOAT_FIELDS if name in people}
    columns["registered_on"] = registered
    columns["age_years"] = _ages(registered, AT)
    columns["rd_ratio"] = _ratio_column(people["rd_expense_10k_cny"], revenue)
    columns["revenue_growth"] = _ratio_column(revenue - previous, previous)
    codes = np.array([*INDUSTRIES, ""])
    columns["industry_code"] = codes[people["industry"]]
    columns["zone"] = np.array(ZONES)[people["zone"]]
    columns["size_class"] = np.array([*SIZES, ""])[people["size"]]
    columns["development_stage"] = np.array([*STAGES, ""])[people["stage"]]
    columns["tags"] = dict(people["tags"])
    return Snapshot(at=AT, ids=np.arange(1, count + 1), columns=columns)


# ---- the policies -----------------------------------------------------------------------------


def _condition(rng) -> dict:
    pick = int(rng.integers(0, 13))
    if pick == 0:
        prefixes = rng.choice(PREFIXES, int(rng.integers(1, 3)), replace=False).tolist()
        return {"field": "industry_code", "op": "industry_in", "value": prefixes}
    if pick == 1:
        zones = rng.choice(ZONES, int(rng.integers(1, 3)), replace=False).tolist()
        return {"field": "zone", "op": "in", "value": zones}
    if pick == 2:
        return {"field": "size_class", "op": "in", "value": ["small", "micro"]}
    if pick == 3:
        return {"field": "size_class", "op": "not_in", "value": ["large"]}
    if pick == 4:
        op = str(rng.choice([">=", "<="]))
        return {"field": "employees", "op": op, "value": int(rng.choice([10, 50, 100, 300]))}
    if pick == 5:
        low = int(rng.choice([100, 500, 1000, 5000]))
        return {"field": "revenue_10k_cny", "op": "between", "value": [low, low * 20]}
    if pick == 6:
        return {"field": "rd_ratio", "op": ">=", "value": float(rng.choice([0.03, 0.05, 0.1]))}
    if pick == 7:
        op = str(rng.choice(["<=", ">="]))
        return {"field": "age_years", "op": op, "value": int(rng.choice([3, 5, 10]))}
    if pick == 8:
        field = str(rng.choice(["invention_patents", "rd_staff"]))
        return {"field": field, "op": ">=", "value": int(rng.choice([1, 3, 10]))}
    if pick == 9:
        return {"field": "revenue_growth", "op": ">=", "value": float(rng.choice([0.1, 0.2]))}
    if pick == 10:
        tags = rng.choice(TAGS, int(rng.integers(1, 3)), replace=False).tolist()
        return {"field": "tags", "op": "has_tag", "value": tags}
    if pick == 11:
        return {"field": "development_stage", "op": "==", "value": str(rng.choice(STAGES))}
    return {"field": "assets_10k_cny", "op": ">", "value": int(rng.choice([1000, 5000]))}


def policy_trees(count: int) -> list[dict]:
    """Monotone trees (all/any of conditions): OpenFisca has no unknown, and for a monotone
    tree "true in three-valued logic" equals "true with every unknown condition false"."""
    rng = np.random.default_rng(SEED + 1)
    trees = []
    for _ in range(count):
        # Real policies target an industry or a zone first, then add conditions.
        target = {"field": "industry_code", "op": "industry_in"}
        target["value"] = rng.choice(TARGETS, int(rng.integers(1, 3)), replace=False).tolist()
        parts = [target, *[_condition(rng) for _ in range(int(rng.integers(3, 6)))]]
        if rng.random() < 0.5:
            parts.append({"any": [_condition(rng), _condition(rng)]})
        trees.append({"all": parts})
    return trees


# ---- OpenFisca: the same rules as a country package ----------------------------------------------


def _openfisca_condition(condition: dict):
    """A function of `get(variable)` returning the condition's truth (known and satisfied)."""
    field, op, value = condition["field"], condition["op"], condition["value"]
    if field == "industry_code":

        def industry(get):
            code = get("industry")
            result = np.zeros(len(code), dtype=bool)
            for prefix in value:
                if prefix.isalpha():
                    result |= get("section") == SECTIONS.index(prefix)
                else:
                    result |= (code >= 0) & (code // 10 ** (4 - len(prefix)) == int(prefix))
            return result

        return industry
    coded = {"zone": ("zone", ZONES), "size_class": ("size", SIZES)}
    coded["development_stage"] = ("stage", STAGES)
    if field in coded:
        variable, names = coded[field]
        wanted = [names.index(item) for item in (value if isinstance(value, list) else [value])]
        if op == "not_in":
            return lambda get: (get(variable) >= 0) & ~np.isin(get(variable), wanted)
        return lambda get: np.isin(get(variable), wanted)
    if field == "tags":
        return lambda get: np.logical_or.reduce([get(f"tag_{tag}") for tag in value])
    if op == "between":
        return lambda get: (get(field) >= value[0]) & (get(field) <= value[1])
    compare = {">=": np.greater_equal, "<=": np.less_equal, ">": np.greater}[op]
    return lambda get: compare(get(field), value)


def _openfisca_tree(tree: dict):
    if "all" in tree or "any" in tree:
        parts = [_openfisca_tree(part) for part in tree.get("all") or tree.get("any")]
        combine = np.logical_and.reduce if "all" in tree else np.logical_or.reduce
        return lambda get: combine([part(get) for part in parts])
    return _openfisca_condition(tree)


def _formula(tree: dict):
    rule = _openfisca_tree(tree)

    def formula(enterprise, period):
        return rule(lambda name: enterprise(name, period))

    return formula


def openfisca_system(trees: list[dict]):
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import DateUnit
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    enterprise = build_entity(
        key="enterprise", plural="enterprises", label="An enterprise", is_person=True
    )
    system = TaxBenefitSystem([enterprise])

    def variable(name: str, value_type, formula=None):
        attributes = {
            "value_type": value_type,
            "entity": enterprise,
            "definition_period": DateUnit.YEAR,
            "label": name,
        }
        if formula is not None:
            attributes["formula"] = formula
        if value_type is int:
            attributes["default_value"] = -1
        return type(name, (Variable,), attributes)

    inputs = [variable(name, float) for name in FLOAT_FIELDS]
    inputs += [variable(name, int) for name in ("zone", "industry", "section", "size", "stage")]
    inputs += [variable(f"tag_{tag}", bool) for tag in TAGS]

    def rd_ratio(enterprise, period):
        revenue = enterprise("revenue_10k_cny", period)
        return enterprise("rd_expense_10k_cny", period) / np.where(revenue == 0, np.nan, revenue)

    derived = [variable("rd_ratio", float, rd_ratio)]
    eligibility = []
    for number, tree in enumerate(trees):
        eligibility.append(variable(f"eligible_{number:03d}", bool, _formula(tree)))
    system.add_variables(*inputs, *derived, *eligibility)
    return system


def openfisca_simulation(system, people: dict):
    from openfisca_core.simulations import SimulationBuilder

    count = len(people["zone"])
    simulation = SimulationBuilder().build_default_simulation(system, count=count)
    previous, revenue = people["previous_revenue"], people["revenue_10k_cny"]
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(previous == 0, np.nan, (revenue - previous) / previous)
    registered = people["registered_on"].astype(float)
    from onezone.policies.engine.facts import _ages

    values = {name: people[name] for name in FLOAT_FIELDS if name in people}
    values["age_years"] = _ages(registered, AT)
    values["revenue_growth"] = growth
    for name in FLOAT_FIELDS:
        simulation.set_input(name, YEAR, values[name])
    sections = np.array([SECTIONS.index(_section(code)) for code in INDUSTRIES] + [-1])
    codes = np.array([int(code) for code in INDUSTRIES] + [-1])
    simulation.set_input("industry", YEAR, codes[people["industry"]])
    simulation.set_input("section", YEAR, sections[people["industry"]])
    for name in ("zone", "size", "stage"):
        simulation.set_input(name, YEAR, people[name])
    for tag in TAGS:
        simulation.set_input(f"tag_{tag}", YEAR, people["tags"][tag])
    return simulation


def _section(code: str) -> str:
    from onezone.enterprises.industry import industry_table

    return industry_table()[code].section


# ---- (a) evaluation alone -----------------------------------------------------------------------


def _time_ours(rules, people) -> tuple[float, list[int]]:
    from onezone.policies.engine.bulk import evaluate_bulk

    best, counts = float("inf"), []
    for _ in range(3):
        snapshot = our_snapshot(people)  # fresh: no cached categories from the last round
        started = time.perf_counter()
        results = [evaluate_bulk(rule, snapshot) for rule in rules]
        best = min(best, time.perf_counter() - started)
        counts = [int((result == 1).sum()) for result in results]
    return best, counts


def _time_openfisca(system, trees, people) -> tuple[float, list[int]]:
    best, counts = float("inf"), []
    names = [f"eligible_{number:03d}" for number in range(len(trees))]
    for _ in range(3):
        simulation = openfisca_simulation(system, people)  # fresh: nothing cached
        started = time.perf_counter()
        results = [simulation.calculate(name, YEAR) for name in names]
        best = min(best, time.perf_counter() - started)
        counts = [int(result.sum()) for result in results]
    return best, counts


def evaluation_alone(people, trees, rules) -> None:
    system = openfisca_system(trees)
    openfisca_seconds, openfisca_counts = _time_openfisca(system, trees, people)
    our_seconds, our_counts = _time_ours(rules, people)
    differing = [
        n for n, (a, b) in enumerate(zip(our_counts, openfisca_counts, strict=True)) if a != b
    ]
    pairs = len(rules) * len(people["zone"])
    total = sum(our_counts)
    print(
        f"  eligible pairs: {total:,} of {pairs:,} ({total / pairs:.1%}); "
        f"same count for every policy: {'yes' if not differing else f'NO, policies {differing}'}"
    )
    report(
        "(a) OpenFisca calculate, 100 policies (baseline)",
        pairs,
        openfisca_seconds,
        openfisca_seconds,
    )
    report("(a) ours evaluate_bulk, 100 policies", pairs, our_seconds, openfisca_seconds)
    print(
        f"  (a) evaluation alone: ours {our_seconds * 1000:.0f} ms, OpenFisca "
        f"{openfisca_seconds * 1000:.0f} ms, "
        f"ratio {openfisca_seconds / our_seconds:.2f}× (OpenFisca time / ours)"
    )
    if differing:
        raise SystemExit("policy_matching: ours and OpenFisca disagree on eligible counts")


# ---- (c) one enterprise's explanation -----------------------------------------------------------


def one_explanation(people, rules) -> None:
    from onezone.policies.engine.rules import explain

    snapshot = our_snapshot(people)
    facts = snapshot.row_facts(7)
    timings = []
    for _ in range(300):
        started = time.perf_counter()
        for rule in rules:
            explain(rule, facts)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(
        f"  (c) one enterprise, explain all {len(rules)} policies: "
        f"median {median * 1000:.2f} ms, fastest {min(timings) * 1000:.2f} ms (aim < 5 ms)"
    )


# ---- (b) end-to-end re-match in a database ------------------------------------------------------


def _store(people, trees) -> None:
    """Write the population and the policies with bulk inserts (not through the services, so no
    re-match is triggered while loading)."""
    from django.utils import timezone

    from onezone.enterprises.models import Enterprise, EnterpriseFigure
    from onezone.org.models import Zone
    from onezone.policies.models import Policy, PolicyVersion

    now = timezone.now()
    zones = [Zone.objects.create(code=code, name=f"基准{code}") for code in ZONES]
    count = len(people["zone"])
    codes = [*INDUSTRIES, ""]
    sections = [_section(code) for code in INDUSTRIES] + [""]
    sizes, stages = [*SIZES, None], [*STAGES, ""]

    def number(values, position, kind=float):
        value = values[position]
        return None if np.isnan(value) else kind(value)

    for first in range(0, count, 10_000):
        rows = []
        for position in range(first, min(first + 10_000, count)):
            industry = int(people["industry"][position])
            rows.append(
                Enterprise(
                    uscc=f"BENCHPM{position:011d}",
                    name=f"基准企业{position}",
                    zone=zones[int(people["zone"][position])],
                    industry_code=codes[industry],
                    industry_section=sections[industry],
                    registered_on=datetime.date.fromordinal(int(people["registered_on"][position])),
                    employees=number(people["employees"], position, int),
                    revenue_10k_cny=number(people["revenue_10k_cny"], position),
                    assets_10k_cny=number(people["assets_10k_cny"], position),
                    rd_expense_10k_cny=number(people["rd_expense_10k_cny"], position),
                    invention_patents=number(people["invention_patents"], position, int),
                    rd_staff=number(people["rd_staff"], position, int),
                    size_class=sizes[int(people["size"][position])],
                    development_stage=stages[int(people["stage"][position])],
                    created_at=now,
                )
            )
        Enterprise.objects.bulk_create(rows, batch_size=2000)
    ids = list(
        Enterprise.objects.filter(uscc__startswith="BENCHPM")
        .order_by("uscc")
        .values_list("id", flat=True)
    )
    figures = []
    for position, enterprise_id in enumerate(ids):
        for year, values in ((2024, people["revenue_10k_cny"]), (2023, people["previous_revenue"])):
            value = values[position]
            if not np.isnan(value):
                figures.append(
                    EnterpriseFigure(
                        enterprise_id=enterprise_id,
                        year=year,
                        name="revenue_10k_cny",
                        value=float(value),
                        source="tax",
                        as_of=datetime.date(year, 12, 31),
                        recorded_at=now,
                    )
                )
    EnterpriseFigure.objects.bulk_create(figures, batch_size=5000)
    through = Enterprise.tags.through
    links = [
        through(enterprise_id=enterprise_id, tag_id=tag)
        for tag, members in people["tags"].items()
        for enterprise_id in np.asarray(ids)[members].tolist()
    ]
    through.objects.bulk_create(links, batch_size=5000)
    for number, tree in enumerate(trees):
        policy = Policy.objects.create(code=f"BENCH-{number:03d}", created_at=now)
        PolicyVersion.objects.create(
            policy=policy,
            number=1,
            title=f"基准政策{number}",
            issuer="基准",
            policy_class="subsidy",
            mode="fast_application",
            valid_from=datetime.date(2025, 1, 1),
            eligibility=tree,
            amount_formula="min(rd_expense_10k_cny * 0.1, 200)",
            amount_unit="10k_cny",
            fields_read=[],
            created_at=now,
        )


def _touch_some(share: float = 0.01) -> int:
    """Change the revenue of a share of enterprises, as a day's figure updates would."""
    from django.db.models import F

    from onezone.enterprises.models import Enterprise

    ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:: int(1 / share)])
    for first in range(0, len(ids), 500):
        Enterprise.objects.filter(id__in=ids[first : first + 500]).update(
            revenue_10k_cny=F("revenue_10k_cny") * 2
        )
    return len(ids)


def database_part() -> None:
    """In a child process with a fresh database (see run): store, match cold, re-match."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.run import setup_django

    setup_django()
    from django.db import connection

    try:
        from onezone.policies.services.matching import rematch
    except ImportError:
        print("  (b) skipped: rematch not available")
        return
    people = population(DB_ENTERPRISES)
    trees = policy_trees(POLICIES)
    started = time.perf_counter()
    _store(people, trees)
    loading = time.perf_counter() - started
    vendor = connection.vendor
    print(
        f"  (b) {vendor}: stored {DB_ENTERPRISES:,} enterprises and {POLICIES} policies "
        f"in {loading:.1f} s"
    )
    started = time.perf_counter()
    stats = rematch(at=AT)
    cold = time.perf_counter() - started
    report(f"(b) {vendor} first match, writes all (baseline)", DB_ENTERPRISES, cold, cold)
    print(f"      {stats.created:,} matches stored")
    started = time.perf_counter()
    stats = rematch(at=AT)
    steady = time.perf_counter() - started
    report(f"(b) {vendor} re-match, nothing changed", DB_ENTERPRISES, steady, cold)
    skipped = stats.skipped
    touched = _touch_some()
    started = time.perf_counter()
    stats = rematch(at=AT)
    changed = time.perf_counter() - started
    report(f"(b) {vendor} re-match after {touched:,} changed", DB_ENTERPRISES, changed, cold)
    changes = f"({stats.created:,} created, {stats.updated:,} updated, {stats.deleted:,} deleted)"
    # The next day's (nightly) run: a new date, so every version's stored set is compared.
    started = time.perf_counter()
    nightly = rematch(at=AT + datetime.timedelta(days=1))
    next_day = time.perf_counter() - started
    report(f"(b) {vendor} re-match next day, all compared", DB_ENTERPRISES, next_day, cold)
    print(
        f"  (b) {vendor} end-to-end re-match: {steady:.2f} s unchanged ({skipped} of "
        f"{POLICIES} versions skipped by digest), {changed:.2f} s after {touched:,} changes "
        f"{changes}, {next_day:.2f} s next day ({nightly.updated:,} updated), "
        f"first match {cold:.2f} s (aim < 2 s)"
    )


def _postgres_url() -> str | None:
    url = os.environ.get("ONEZONE_BENCH_PG_URL")
    candidate = url or "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        import psycopg

        psycopg.connect(candidate, connect_timeout=2).close()
    except Exception:  # noqa: BLE001 — any failure means: no PostgreSQL to measure on
        if url:
            print("  (b) PostgreSQL at ONEZONE_BENCH_PG_URL not reachable")
        return None
    return candidate


def _child(database_url: str | None) -> None:
    env = dict(os.environ)
    env.pop("ONEZONE_BENCH_DATABASE_URL", None)
    if database_url:
        env["ONEZONE_BENCH_DATABASE_URL"] = database_url
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "bench.policy_matching"], cwd=root, env=env, check=True)


def _with_postgres(url: str) -> None:
    import psycopg

    name = f"onezone_bench_policies_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = url.rsplit("/", 1)[0]
        _child(f"{base}/{name}")
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run() -> None:
    from onezone.policies.engine.rules import compile_rule

    people = population(ENTERPRISES)
    trees = policy_trees(POLICIES)
    rules = [compile_rule(tree) for tree in trees]
    print(f"  {ENTERPRISES:,} enterprises × {POLICIES} policies")
    evaluation_alone(people, trees, rules)
    one_explanation(people, rules)
    sys.stdout.flush()
    _child(None)
    url = _postgres_url()
    if url:
        _with_postgres(url)
    else:
        print("  (b) PostgreSQL skipped: none reachable (set ONEZONE_BENCH_PG_URL)")


if __name__ == "__main__":
    database_part()
