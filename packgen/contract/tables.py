"""Input tables of a packgen bundle: names, columns, types, units, keys and meaning.

A bundle is a folder with one file per table, `<table>.csv` or `<table>.parquet`. `providers` and
`ncc_costs` keep the names and columns fixed in docs/method.md ("Interfaces that stay stable");
the rest is packgen's own design. Codes (ODS, department, service, HRG, VMP) are strings, always:
a service code `110` and `0110` are different codes and leading zeros are never lost.

Column types:
- `str`: text, surrounding spaces stripped; a code.
- `float`: a number; `*` (suppressed), blank and text are *missing*, never zero.
- `int`: a whole number (activity counts may arrive as `12.0`; a fractional part is an error).
- `bool`: `true/false`, `yes/no`, `1/0`, `y/n` (any case).

`ref` names the reference set a code must belong to: `providers` (the bundle's own providers table)
or a file in `reference_data/` (see `packgen.reference`).

Hostile or faulty input: every code has a `pattern` (so that `../../x` never becomes a provider,
a file name or a cell of a pack), every text cell a length limit, and every number a plausible
range (`min_value` to `max_value`) that every real publication and synthetic bundle fits, wide
enough for the largest trust and narrow enough that nothing admitted can overflow a type or
print an absurd sum downstream: a provider's money at most £10bn a row, for instance.
"""

from __future__ import annotations

from dataclasses import dataclass

COLUMN_TYPES = ("str", "int", "float", "bool")
SECTORS = ("acute", "specialist", "community", "mental_health", "ambulance")
MAX_TEXT = 500  # characters of a text cell whose column sets no limit of its own
MAX_GBP = 10e9  # £10bn: more than any trust's income, cost base or single cost row
MAX_WTE = 100_000  # whole-time equivalent staff of one provider (the largest has about 20,000)
# Appointments, contacts, incidents or crew hours of one provider in a year: England's ambulance
# services answer about 10 million incidents, the largest one under 2 million.
MAX_EVENTS = 1e7


@dataclass(frozen=True)
class CodePattern:
    """What a code looks like: a regular expression the whole value (spaces stripped) must
    match, and the same in words for messages and the contract document."""

    regex: str
    words: str

    @property
    def anchored(self) -> str:
        return f"^(?:{self.regex})$"


PROVIDER = CodePattern("[A-Z0-9]{3,5}", "3 to 5 capital letters or digits (an ODS code, e.g. "
                       "RXX or R0A)")
REGION = CodePattern("[A-Z][0-9]{2}", "a capital letter and 2 digits (e.g. Y56)")
ICB = CodePattern("Q[A-Z0-9]{2}", "Q and 2 capital letters or digits (e.g. QMJ)")
DEPARTMENT = CodePattern("[A-Z][A-Z0-9_]{1,9}", "2 to 10 capital letters, digits or "
                         "underscores, starting with a letter (e.g. EL or NEL_XS)")
SERVICE = CodePattern("[A-Z0-9]{1,6}", "1 to 6 capital letters or digits (a treatment "
                      "function code, e.g. 110)")
# The national schedule has mixed-case currencies (Cancer MDT: CMDTOth) and two-digit ones
# (Ambulance: 01).
CURRENCY = CodePattern("[A-Za-z0-9]{2,8}", "2 to 8 letters or digits (an HRG or other "
                       "currency code, e.g. HN12F)")
SNOMED = CodePattern("[0-9]{6,18}", "6 to 18 digits (a dm+d / SNOMED CT code)")
IDENTIFIER = CodePattern("[a-z][a-z0-9_]{0,39}", "up to 40 lower-case letters, digits or "
                         "underscores, starting with a letter (e.g. district_nursing)")
SOURCE_ID = CodePattern("[a-z][a-z0-9_-]{0,39}", "up to 40 lower-case letters, digits, '_' or "
                        "'-', starting with a letter (e.g. ncc-schedule)")
FILE_NAME = CodePattern(r"[^/\\]{1,255}", "a file name without a folder (no / or \\), at most "
                        "255 characters")
SHA256 = CodePattern("[0-9a-fA-F]{64}", "64 hexadecimal digits")
DATE = CodePattern("[0-9]{4}-[0-9]{2}-[0-9]{2}", "a date written YYYY-MM-DD")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    unit: str
    meaning: str
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # a blank / suppressed cell is allowed (it is then missing, never 0)
    min_value: float | None = None  # numbers below are errors (e.g. negative activity)
    positive: bool = False  # strictly greater than zero
    choices: tuple[str, ...] = ()  # allowed values
    ref: str | None = None  # reference set the value must belong to
    max_value: float | None = None  # numbers above are errors: the top of the plausible range
    pattern: CodePattern | None = None  # a code: what every value must look like
    max_length: int | None = None  # text: at most this many characters (default MAX_TEXT)

    @property
    def length_limit(self) -> int | None:
        """Characters a text cell may have; None for numbers, flags, and codes that their
        pattern or choices bound."""
        if self.type != "str" or self.pattern or self.choices:
            return None
        return self.max_length or MAX_TEXT


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    meaning: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True  # the bundle must contain this table
    sectors: tuple[str, ...] = SECTORS  # whose providers the table describes
    source: str = ""  # the real publication the table mirrors
    # the period the table describes whatever the bundle's (plans are for the year ahead);
    # '' takes the bundle's period
    period: str = ""
    # Which categories use the table is not written here: the data contract's "Used by" comes
    # from the category definitions' `sources` and `requires` (CategoryDef.tables).

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _provider() -> Column:
    return Column("provider_code", "str", "ODS code", "The provider's ODS trust code.",
                  ref="providers", pattern=PROVIDER)


def _gbp(name: str, meaning: str, **kw) -> Column:
    kw.setdefault("max_value", MAX_GBP)
    return _count(name, "GBP", meaning, **kw)


def _count(name: str, unit: str, meaning: str, *, max_value: float, **kw) -> Column:
    # A value that may be blank may also be absent: real returns are partial, and a column the
    # source does not publish is "not supplied", never a column of zeros.
    kw.setdefault("required", not kw.get("nullable", False))
    return Column(name, "float", unit, meaning, min_value=0, max_value=max_value, **kw)


def _stays() -> tuple[Column, Column]:
    """Discharges and occupied bed days of inpatient stays (at most 27,000 beds all year)."""
    return (
        _count("discharges", "discharges", "Discharges in the period.", nullable=True,
               max_value=1e7),
        _count("bed_days", "bed days", "Occupied bed days of those stays.", nullable=True,
               max_value=1e7),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "bundle_info",
        "Bundle information",
        "One row per property of the bundle as a whole: what it is, its period and its source. "
        "Keys: `dataset_name`, `period` (e.g. 2024/25), `prior_period`, `synthetic` (true for the "
        "built-in dataset), `source`, `licence`.",
        (
            Column("key", "str", "", "Property name.", choices=(
                "dataset_name", "period", "prior_period", "synthetic", "source", "licence",
                "generated_by", "seed", "scale")),
            # `source` lists every publication imported: 550 characters for the six of
            # real_data/
            Column("value", "str", "", "Property value.", max_length=2000),
        ),
        key=("key",),
        required=False,
        source="packgen",
    ),
    Table(
        "providers",
        "Providers",
        "One row per NHS provider (trust): who it is, where it is, who its peers are, and the "
        "financial totals the method divides by.",
        (
            Column("provider_code", "str", "ODS code", "ODS trust code, e.g. RXX.",
                   pattern=PROVIDER),
            Column("provider_name", "str", "", "Trust name as published by ODS.",
                   max_length=200),
            # Only code, name and region are needed: a provider with no sector is kept (named
            # in a note) but not benchmarked; each other column is needed only by the figures
            # that use it, which are otherwise "not assessed: no data supplied".
            Column("sector", "str", "", "Sector for benchmarking; blank: not benchmarked.",
                   choices=SECTORS, required=False, nullable=True),
            Column("peer_group", "str", "", "ERIC trust type.", ref="peer_groups",
                   required=False, nullable=True, max_length=100),
            Column("region_code", "str", "", "NHS England region code (Y56..Y63).", ref="regions",
                   pattern=REGION),
            Column("icb_code", "str", "", "Integrated care board code (Q.. or ODS ICB code).",
                   required=False, nullable=True, pattern=ICB),
            _gbp("income_gbp", "Total operating income for the period.", positive=True,
                 nullable=True),
            _gbp("pay_bill_gbp", "Total pay bill (substantive, bank and agency) for the period.",
                 nullable=True),
            _gbp("operating_cost_gbp", "Total operating expenditure: the provider's cost base, "
                 "against which opportunities and the 2% requirement are expressed.",
                 positive=True, nullable=True),
            # 2015/16 to 2025/26 factors lie between 0.9 and 1.35
            Column("mff", "float", "ratio", "Market forces factor (1.00 = national average "
                   "unavoidable cost).", required=False, nullable=True, min_value=0.5,
                   max_value=2.0),
        ),
        key=("provider_code",),
        source="ODS etr (names, regions, ICBs); ERIC (trust type); accounts (income, pay, cost); "
        "NHS Payment Scheme (MFF)",
    ),
    Table(
        "ncc_costs",
        "National Cost Collection cost rows",
        "Organisation-level National Cost Collection rows for the current period: one row per "
        "provider x department x service x currency, unadjusted (actual) cost.",
        (
            _provider(),
            Column("department_code", "str", "", "NCC department (point of delivery), e.g. EL, "
                   "NEL, CL.", ref="departments", pattern=DEPARTMENT),
            Column("service_code", "str", "", "Treatment function / service code, e.g. 110.",
                   ref="treatment_functions", pattern=SERVICE),
            Column("currency_code", "str", "", "HRG or other currency code, e.g. HN12F.",
                   pattern=CURRENCY),
            _count("activity", "FCEs / attendances / bed days / contacts", "Activity count in "
                   "the currency's unit.", nullable=True, required=True, max_value=1e9),
            _gbp("actual_cost_gbp", "Actual (not MFF-adjusted) total cost of the row.",
                 nullable=True, required=True),
        ),
        key=("provider_code", "department_code", "service_code", "currency_code"),
        required=False,
        source="NHS England National Cost Collection, organisation-level source data (File 1)",
    ),
    Table(
        "national_unit_costs",
        "National unit costs",
        "National mean unit cost per department x currency (the national schedule). Optional: "
        "when absent the national mean is computed from `ncc_costs` as docs/method.md says.",
        (
            Column("department_code", "str", "", "NCC department.", ref="departments",
                   pattern=DEPARTMENT),
            Column("currency_code", "str", "", "HRG or other currency code.", pattern=CURRENCY),
            _count("activity", "units", "National activity.", nullable=True, max_value=1e10),
            _gbp("unit_cost_gbp", "National mean unit cost (MFF-adjusted).", positive=True,
                 max_value=1e7),
        ),
        key=("department_code", "currency_code"),
        required=False,
        source="NHS England National Cost Collection, national schedule",
    ),
    Table(
        "ncc_costs_prior",
        "Prior-period activity and cost",
        "Activity and actual cost for the prior period, per provider x department x currency, for "
        "cost-weighted activity growth.",
        (
            _provider(),
            Column("department_code", "str", "", "NCC department.", ref="departments",
                   pattern=DEPARTMENT),
            Column("currency_code", "str", "", "HRG or other currency code.", pattern=CURRENCY),
            _count("activity", "units", "Prior-period activity.", nullable=True, max_value=1e9),
            _gbp("actual_cost_gbp", "Prior-period actual cost.", nullable=True),
        ),
        key=("provider_code", "department_code", "currency_code"),
        required=False,
        source="NHS England National Cost Collection, previous year",
    ),
    Table(
        "productivity_inputs",
        "Spend in both periods",
        "Total spend (inputs) of each provider in the prior and the current period, in cash.",
        (
            _provider(),
            _gbp("spend_prior_gbp", "Total operating spend in the prior period (cash).",
                 nullable=True),
            _gbp("spend_current_gbp", "Total operating spend in the current period (cash).",
                 nullable=True),
        ),
        key=("provider_code",),
        required=False,
        source="Provider accounts / financial monitoring returns",
    ),
    Table(
        "temporary_staffing",
        "Temporary staffing",
        "Agency and bank staff spend per provider for the period.",
        (
            _provider(),
            _gbp("agency_gbp", "Agency staff spend.", nullable=True),
            _gbp("bank_gbp", "Bank staff spend.", nullable=True),
        ),
        key=("provider_code",),
        required=False,
        source="Provider financial monitoring returns (agency and bank spend)",
    ),
    Table(
        "corporate_services",
        "Corporate services spend",
        "Corporate services spend per provider and function.",
        (
            _provider(),
            Column("function", "str", "", "Corporate function.", ref="corporate_functions",
                   pattern=IDENTIFIER),
            _gbp("spend_gbp", "Spend on the function in the period.", nullable=True),
        ),
        key=("provider_code", "function"),
        required=False,
        source="Corporate services benchmarking return",
    ),
    Table(
        "estates",
        "Estates and procurement",
        "Floor area, energy use and cost, and supplies spend per provider.",
        (
            _provider(),
            _count("gia_m2", "m2", "Gross internal floor area.", nullable=True, max_value=1e7),
            _count("electricity_kwh", "kWh", "Electricity consumed.", nullable=True,
                   max_value=1e10),
            _gbp("electricity_cost_gbp", "Cost of electricity consumed.", nullable=True),
            _count("gas_kwh", "kWh", "Gas consumed.", nullable=True, max_value=1e10),
            _gbp("gas_cost_gbp", "Cost of gas consumed.", nullable=True),
            _count("energy_kwh", "kWh", "Energy consumed from every supply (electricity, gas, "
                   "oil, coal, steam, hot water, renewables), for the trust's average energy "
                   "price when only the total energy cost is known (ERIC).", nullable=True,
                   required=False, max_value=1e10),
            _gbp("energy_cost_gbp", "Cost of all energy supplies (ERIC 'Energy costs (all "
                 "energy supplies)').", nullable=True, required=False),
            _gbp("general_supplies_gbp", "General supplies and services spend.", nullable=True),
            _gbp("clinical_supplies_gbp", "Clinical supplies and services spend.", nullable=True),
        ),
        key=("provider_code",),
        required=False,
        source="Estates Returns Information Collection (ERIC); supplies spend from accounts",
    ),
    Table(
        "medicines_reference",
        "Medicines reference list",
        "Products (dm+d VMPs) of molecules for which a best-value generic or biosimilar exists. "
        "Exactly one product per molecule is the best-value product; its unit price is the price "
        "the opportunity assumes.",
        (
            Column("molecule", "str", "", "Molecule (e.g. adalimumab).", max_length=200),
            Column("vmp_code", "str", "dm+d VMP code", "Product code (SNOMED CT, as text).",
                   pattern=SNOMED),
            Column("vmp_name", "str", "", "Product name.", max_length=300),
            Column("is_best_value", "bool", "", "True for the molecule's best-value product."),
            _gbp("unit_price_gbp", "Reference unit price per unit of quantity.", positive=True,
                 max_value=1e7),
        ),
        key=("vmp_code",),
        required=False,
        sectors=("acute", "specialist"),
        source="NHS England best-value biologics and generics lists; dm+d",
    ),
    Table(
        "medicines_use",
        "Medicines use",
        "Quantity and cost of each product issued by each provider in the period.",
        (
            _provider(),
            Column("vmp_code", "str", "dm+d VMP code", "Product code.", ref="medicines_reference",
                   pattern=SNOMED),
            _count("quantity", "units of the VMP", "Quantity issued.", nullable=True,
                   max_value=1e10),
            _gbp("cost_gbp", "Indicative cost of the quantity issued.", nullable=True),
        ),
        key=("provider_code", "vmp_code"),
        required=False,
        sectors=("acute", "specialist"),
        source="NHSBSA Secondary Care Medicines Data (SCMD)",
    ),
    Table(
        "community_los",
        "Community inpatient length of stay",
        "Discharges and bed days per community provider and inpatient service.",
        (
            _provider(),
            Column("service", "str", "", "Community inpatient service.", ref="community_services",
                   pattern=IDENTIFIER),
            *_stays(),
        ),
        key=("provider_code", "service"),
        required=False,
        sectors=("community",),
        source="Community Services Data Set",
    ),
    Table(
        "community_appointments",
        "Community appointments and DNAs",
        "Booked appointments and did-not-attends per community provider and service.",
        (
            _provider(),
            Column("service", "str", "", "Community service.", ref="community_services",
                   pattern=IDENTIFIER),
            _count("booked_appointments", "appointments", "Appointments booked.", nullable=True,
                   max_value=MAX_EVENTS),
            _count("dna_appointments", "appointments", "Appointments the patient did not attend.",
                   nullable=True, max_value=MAX_EVENTS),
        ),
        key=("provider_code", "service"),
        required=False,
        sectors=("community",),
        source="Community Services Data Set",
    ),
    Table(
        "mh_los",
        "Mental health length of stay",
        "Discharges and bed days per mental health provider and ward type.",
        (
            _provider(),
            Column("ward_type", "str", "", "Ward type.", ref="mh_ward_types", pattern=IDENTIFIER),
            *_stays(),
        ),
        key=("provider_code", "ward_type"),
        required=False,
        sectors=("mental_health",),
        source="Mental Health Services Data Set",
    ),
    Table(
        "talking_therapies",
        "NHS Talking Therapies",
        "Appointments, DNAs, care contacts and clinical workforce per mental health provider.",
        (
            _provider(),
            _count("booked_appointments", "appointments", "Appointments booked.", nullable=True,
                   max_value=MAX_EVENTS),
            _count("dna_appointments", "appointments", "Appointments not attended.",
                   nullable=True, max_value=MAX_EVENTS),
            _count("care_contacts", "contacts", "Care contacts attended.", nullable=True,
                   max_value=MAX_EVENTS),
            _count("clinical_wte", "WTE", "Clinical whole-time equivalents.", nullable=True,
                   max_value=MAX_WTE),
        ),
        key=("provider_code",),
        required=False,
        sectors=("mental_health",),
        source="NHS Talking Therapies data set; NHS workforce statistics",
    ),
    Table(
        "ambulance",
        "Ambulance activity, handovers and workforce",
        "Incidents, conveyance, handover delays and workforce per ambulance trust.",
        (
            _provider(),
            _count("incidents", "incidents", "All incidents (AmbSYS A7).", nullable=True,
                   max_value=MAX_EVENTS),
            _count("face_to_face_incidents", "incidents", "Incidents with a face-to-face "
                   "response (AmbSYS A56).", nullable=True, max_value=MAX_EVENTS),
            _count("conveyed_to_ed", "incidents", "Incidents conveyed to an emergency department "
                   "(AmbSYS A53).", nullable=True, max_value=MAX_EVENTS),
            _count("handovers", "handovers", "Hospital handovers recorded.", nullable=True,
                   max_value=MAX_EVENTS),
            _count("handover_hours_lost", "crew hours", "Crew hours lost to handovers over 15 "
                   "minutes: sum of max(0, minutes - 15) / 60.", nullable=True,
                   max_value=MAX_EVENTS),
            _count("wte", "WTE", "Whole-time equivalent staff.", nullable=True,
                   max_value=MAX_WTE),
        ),
        key=("provider_code",),
        required=False,
        sectors=("ambulance",),
        source="NHS England Ambulance Quality Indicators (AmbSYS); handover data; workforce",
    ),
    Table(
        "unit_values",
        "Unit values",
        "The prices the method uses to turn native units (bed days, appointments, crew hours, "
        "WTE) into pounds, and the input deflator. Reference inputs, not constants in code.",
        (
            Column("key", "str", "", "Which unit value.", ref="unit_value_keys",
                   pattern=IDENTIFIER),
            # at most £1m a bed day, appointment, crew hour or WTE-year (or a ratio of 1m)
            Column("value", "float", "see unit", "The value.", positive=True, max_value=1e6),
            Column("unit", "str", "", "Unit of the value, e.g. GBP per bed day."),
            Column("source", "str", "", "Where the value comes from.", nullable=True),
        ),
        key=("key",),
        required=False,
        source="NCC national schedule; PSSRU unit costs; HM Treasury GDP deflators",
    ),
    Table(
        "plans",
        "2026/27 plans",
        "Optional: each provider's planned savings by category for 2026/27, and its planned "
        "productivity growth (a fraction, e.g. 0.02; the same on every row of the provider or "
        "given on one row).",
        (
            _provider(),
            Column("category", "str", "", "Category id (see `packgen categories`).",
                   ref="categories", pattern=IDENTIFIER),
            _gbp("planned_saving_gbp", "Planned saving in the category."),
            Column("planned_productivity_growth", "float", "fraction", "Planned productivity "
                   "growth for 2026/27.", required=False, nullable=True, min_value=-1,
                   max_value=1),
        ),
        key=("provider_code", "category"),
        required=False,
        source="Provider operational and financial plans 2026/27",
        period="2026/27",
    ),
)

# Provenance and merges: written by `packgen import`, read by validation and every pack.
TABLES += (
    Table(
        "import_log",
        "Where each table came from",
        "One row per table and source that fed it: the publication, its publisher, the period "
        "it covers, the file read and its sha256. Written by `packgen import`; a table fed by "
        "several sources (providers: ODS, ERIC, RCI) has one row per source.",
        (
            Column("table", "str", "", "Contract table the source fed.", pattern=IDENTIFIER),
            Column("source", "str", "", "packgen import source, e.g. eric, ods, rci.",
                   pattern=SOURCE_ID),
            Column("publisher", "str", "", "Who publishes the file, e.g. NHS England.",
                   required=False, nullable=True),
            Column("title", "str", "", "The publication, e.g. Estates Returns Information "
                   "Collection (ERIC).", required=False, nullable=True),
            Column("period", "str", "", "Period the data covers, e.g. 2016/17 or 2025-04 to "
                   "2026-03.", required=False, nullable=True),
            Column("file", "str", "", "Name of the file read.", pattern=FILE_NAME),
            Column("sha256", "str", "", "sha256 of the file read (blank for generated rows).",
                   nullable=True, pattern=SHA256),
            _count("rows", "rows", "Rows written to the table from this file.", nullable=True,
                   max_value=1e9),
            Column("imported_at", "str", "", "When the import ran (UTC, ISO 8601).",
                   nullable=True),
        ),
        key=("table", "source", "file"),
        required=False,
        source="packgen import",
    ),
    Table(
        "successors",
        "Successor organisations",
        "Trusts that merged into another: rows of a predecessor in additive tables (floor area, "
        "kWh, costs, activity) are re-assigned to its successor, with a note, so that returns "
        "made before a merger still describe today's trust.",
        (
            Column("predecessor_code", "str", "ODS code", "Code of the trust that closed.",
                   pattern=PROVIDER),
            Column("successor_code", "str", "ODS code", "Code of the trust it became part of.",
                   pattern=PROVIDER),
            Column("effective_date", "str", "YYYY-MM-DD", "Date of the merger.", nullable=True,
                   pattern=DATE),
            Column("source", "str", "", "Where the mapping comes from (e.g. ODS succ file).",
                   nullable=True),
        ),
        key=("predecessor_code",),
        required=False,
        source="ODS successor organisations (succ)",
    ),
)

_BY_NAME = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    """The contract of one table, by name."""
    return _BY_NAME[name]
