"""Calibration constants of the synthetic dataset, derived once from real published figures.

Source of the unit costs and volumes: NHS England, National Cost Collection 2023/24, national
schedule of NHS costs (read while developing packgen; never read at run time and not shipped).
Mean unit cost = sum of cost / sum of activity over the schedule's rows of a service group; the
spread is the activity-weighted standard deviation of log unit cost over the group's HRGs. Figures
marked "assumption" are not in that schedule and are packgen's own plausible choices.
"""

from __future__ import annotations

# department -> (mean unit cost GBP, log sd of unit cost across currencies, national cost GBP bn)
DEPARTMENTS: dict[str, tuple[float, float, float]] = {
    "EL": (6214.2, 0.85, 7.36),
    "EL_XS": (350.0, 0.15, 0.15),  # assumption: excess bed days sit inside EL in the schedule
    "DC": (1031.1, 0.69, 7.06),
    "NEL": (5132.2, 0.55, 23.24),
    "NEL_XS": (340.0, 0.15, 1.60),  # assumption, as EL_XS
    "NES": (790.8, 0.51, 5.03),
    "EM": (273.0, 0.0, 6.01),
    "CL": (197.5, 0.0, 10.06),
    "NCL": (129.0, 0.0, 2.98),
    "OPROC": (229.7, 0.34, 3.70),
    "RP": (401.3, 0.41, 0.27),
    "CC": (1907.2, 0.0, 4.46),
    "DIM": (115.6, 0.45, 1.05),
    "NM": (451.2, 0.40, 0.20),
    "RENAL": (193.0, 0.60, 0.77),
    "CHEMO": (330.0, 0.45, 0.60),  # assumption: chemotherapy delivery HRGs (SB) outside DC/RP
    "AUD": (92.6, 0.45, 0.21),
    "DAPS": (2.4, 0.0, 1.11),
    "REHAB": (633.9, 0.21, 0.99),
    "CHS": (86.3, 0.0, 5.94),
    "MHCC": (302.1, 0.0, 6.14),
    "MHPS": (651.3, 0.0, 4.86),
    "IAPT": (162.7, 0.0, 0.78),
    "AMB": (250.0, 0.0, 3.27),
}

# Departments whose currencies are HRGs generated per specialty; rows at scale 1.0, before each
# provider's coverage (scale multiplies these). Tuned so that scale 1.0 gives ~330k NCC rows and
# 5.5 about the 1.7 million rows of the real organisation-level file.
HRG_DEPARTMENT_ROWS: dict[str, int] = {
    "NEL": 1080, "NES": 700, "EL": 650, "DC": 600, "OPROC": 240, "RP": 130, "REHAB": 86,
    "DIM": 48, "NM": 32, "RENAL": 27, "CHEMO": 20, "AUD": 22,
}
# Excess bed days arise for a share of the HRGs of the spell department.
EXCESS_BED_DAYS = {"EL_XS": ("EL", 0.17), "NEL_XS": ("NEL", 0.30)}
# Departments that use their own HRG chapter whatever the specialty.
DEPARTMENT_CHAPTERS = {
    "DIM": "RD", "NM": "RN", "RENAL": "LD LE", "CHEMO": "SB", "AUD": "CA", "REHAB": "VC UZ",
}

# Treatment function -> (HRG chapters, {department: relative number of HRG rows}, tertiary).
# Chapters follow the HRG4+ design loosely: HN/HT orthopaedics, FD/FE/FF digestive, EB/ED/EY
# cardiac, BZ eye, MA gynaecology, LA/LB urinary, CA/CB/CD head and neck, AA nervous system, ...
# Tertiary specialties are run by teaching trusts and some large trusts only.
SPECIALTIES: dict[str, tuple[str, dict[str, float], bool]] = {
    "100": ("FF FD GA JA", {"EL": 7, "DC": 6, "NEL": 6, "NES": 6, "OPROC": 2}, False),
    "101": ("LB LA", {"EL": 6, "DC": 6, "NEL": 2, "NES": 3, "OPROC": 4}, False),
    "104": ("FF FD", {"EL": 4, "DC": 3, "NEL": 2, "NES": 1}, False),
    "107": ("YQ YR", {"EL": 3, "DC": 1, "NEL": 2, "NES": 1}, True),
    "110": ("HN HT HD HE", {"EL": 9, "DC": 5, "NEL": 7, "NES": 4, "OPROC": 2, "REHAB": 1},
            False),
    "120": ("CA CB", {"EL": 4, "DC": 4, "NEL": 1, "NES": 2, "OPROC": 3}, False),
    "130": ("BZ", {"EL": 2, "DC": 6, "NEL": 1, "NES": 1, "OPROC": 5}, False),
    "140": ("CD CA", {"EL": 2, "DC": 3, "NES": 1, "OPROC": 2}, False),
    "150": ("AA HC", {"EL": 4, "DC": 1, "NEL": 3, "NES": 1}, True),
    "160": ("JD JC", {"EL": 2, "DC": 3, "NEL": 1, "NES": 1, "OPROC": 2}, False),
    "170": ("ED EC DZ", {"EL": 4, "NEL": 2, "NES": 1}, True),
    "171": ("FF LB PW", {"EL": 2, "DC": 2, "NEL": 1, "NES": 1}, True),
    "180": ("VA WH", {"NEL": 2, "NES": 4}, False),
    "300": ("EB DZ WJ KC FD LA AA WD", {"EL": 2, "DC": 2, "NEL": 16, "NES": 10, "RP": 1}, False),
    "301": ("FD FE GC", {"EL": 2, "DC": 6, "NEL": 4, "NES": 3, "RP": 2, "OPROC": 1}, False),
    "302": ("KA KB KC", {"DC": 1, "NEL": 1, "NES": 1, "RP": 1}, False),
    "303": ("SA", {"EL": 1, "DC": 3, "NEL": 2, "NES": 1, "RP": 3, "CHEMO": 1}, False),
    "307": ("KB", {"DC": 1, "NEL": 1, "NES": 1}, False),
    "314": ("VC", {"REHAB": 5}, False),
    "320": ("EB ED EY", {"EL": 4, "DC": 4, "NEL": 6, "NES": 4, "OPROC": 2}, False),
    "330": ("JD JC", {"DC": 3, "NES": 1, "OPROC": 4}, False),
    "340": ("DZ WJ", {"EL": 1, "DC": 2, "NEL": 7, "NES": 4, "RP": 1}, False),
    "361": ("LA", {"EL": 1, "DC": 1, "NEL": 2, "NES": 1, "RP": 1, "RENAL": 1}, False),
    "370": ("SA SB", {"EL": 1, "DC": 2, "NEL": 1, "RP": 3, "CHEMO": 2}, False),
    "400": ("AA", {"EL": 1, "DC": 2, "NEL": 4, "NES": 2, "RP": 1, "REHAB": 1}, False),
    "410": ("HD WH", {"DC": 2, "NEL": 1, "RP": 3, "OPROC": 1}, False),
    "420": ("PA PB PD PF", {"EL": 2, "DC": 2, "NEL": 5, "NES": 5}, False),
    "430": ("WD AA DZ LA HD", {"NEL": 10, "NES": 4, "REHAB": 3}, False),
    "501": ("NZ MA", {"EL": 2, "DC": 1, "NEL": 6, "NES": 5}, False),
    "502": ("MA", {"EL": 4, "DC": 4, "NEL": 1, "NES": 2, "OPROC": 4}, False),
    "560": ("NZ", {"NES": 1}, False),
    "800": ("SC SA", {"DC": 1, "RP": 2, "OPROC": 3, "CHEMO": 1}, True),
    "811": ("YR", {"EL": 1, "DC": 2, "NEL": 1}, True),
    "812": ("RD", {"DIM": 1, "NM": 1}, False),
    "840": ("CA", {"AUD": 1}, False),
}

# Outpatient attendance currencies: code -> (unit cost, national activity in thousands).
CL_CURRENCIES = {
    "WF01A": (192.3, 23606), "WF01B": (232.1, 14325), "WF01C": (153.8, 8187),
    "WF01D": (167.6, 2881), "WF02A": (249.1, 967), "WF02B": (277.4, 526),
    "WF02C": (184.4, 131), "WF02D": (168.9, 38),
}
NCL_CURRENCIES = {
    "WF01A": (124.3, 12419), "WF01B": (156.3, 5016), "WF01C": (107.1, 3423),
    "WF01D": (122.8, 966), "WF02A": (210.0, 151), "WF02B": (222.7, 69),
}
NCL_SERVICES = ("650", "560", "840", "502", "420", "300", "320", "340", "307", "330")
EM_CURRENCIES = {
    "VB01Z": (333.2, 99), "VB02Z": (866.4, 454), "VB03Z": (497.7, 1658), "VB04Z": (677.3, 1051),
    "VB05Z": (471.8, 318), "VB06Z": (353.9, 472), "VB07Z": (359.3, 2270), "VB08Z": (260.9, 5136),
    "VB09Z": (177.0, 4979), "VB10Z": (183.8, 1), "VB11Z": (123.7, 5564), "VB99Z": (351.2, 2),
}
ADULT_CC_CURRENCIES = {
    "XC01Z": (3226.6, 8), "XC02Z": (3273.9, 32), "XC03Z": (3126.3, 114), "XC04Z": (2713.7, 266),
    "XC05Z": (2398.5, 351), "XC06Z": (1737.8, 489), "XC07Z": (1622.4, 50),
}
NEONATAL_CC_CURRENCIES = {
    "XA01Z": (2148.7, 136), "XA02Z": (1496.3, 174), "XA03Z": (1065.6, 357),
    "XA04Z": (822.5, 134), "XA05Z": (752.9, 76),
}
PAEDIATRIC_CC_CURRENCIES = {
    "XB01Z": (5382.4, 2), "XB02Z": (3278.6, 12), "XB03Z": (4536.9, 3), "XB04Z": (3573.5, 12),
    "XB05Z": (3525.1, 20), "XB06Z": (2254.7, 40), "XB07Z": (1838.5, 20), "XB09Z": (1703.1, 43),
}
PATHOLOGY_CURRENCIES = {
    "PATH01": (3.9, 4914), "PATH02": (36.2, 899), "PATH03": (2.3, 28018),
    "PATH04": (1.5, 321281), "PATH05": (3.1, 58105), "PATH06": (7.7, 6726),
    "PATH07": (8.1, 27574), "PATH08": (6.7, 4539), "PATH09": (3.6, 4116),
}
# Community health services: service -> {currency: (unit cost, national activity thousands)}.
CHS_CURRENCIES: dict[str, dict[str, tuple[float, float]]] = {
    "950": {
        "N02AF": (58.1, 24369), "N02AN": (40.0, 2023), "N06AF": (136.1, 586),
        "N06AN": (98.4, 147), "N08AF": (110.6, 509), "N08AN": (62.4, 383),
        "N10AF": (115.4, 218), "N11AF": (125.2, 470), "N11AN": (83.8, 321),
        "N12": (146.7, 1425), "N14AF": (125.0, 396), "N14AN": (74.4, 330),
        "N15AF": (92.9, 461), "N15AN": (71.6, 377), "N21AF": (142.3, 473),
        "N29AF": (81.5, 2022), "N03G": (81.2, 623), "N03J": (61.8, 547),
        "N05CO": (111.8, 561), "IC01": (123.8, 2553), "IC03": (120.9, 3089),
        "NCRT": (162.4, 459), "VACN": (29.4, 1067),
    },
    "960": {
        "A01A1": (117.1, 391), "A03": (101.1, 797), "A06A1": (126.7, 517),
        "A06C1": (194.1, 359), "A13A1": (119.9, 809), "A13C1": (162.1, 1334),
        "A09A": (75.1, 1818), "A09C": (82.3, 477), "A09F": (83.4, 221),
        "MCCRT": (154.3, 47), "M01A": (263.4, 729),
    },
    "650": {"A08A1": (75.6, 3805), "A08AG": (103.9, 86), "A08C1": (157.8, 515)},
}
# Mental health and talking therapies: (department, service, currency) -> cost share of the
# trust's NCC cost (national MHCC 6.1bn, MHPS 4.9bn, IAPT 0.8bn).
MH_ROWS = {
    ("MHCC", "710", "MHCC"): 0.30, ("MHCC", "715", "MHCC"): 0.12, ("MHCC", "656", "MHCC"): 0.08,
    ("MHPS", "710", "MHPS"): 0.30, ("MHPS", "715", "MHPS"): 0.12, ("IAPT", "656", "IAPT"): 0.08,
}
# Ambulance currencies (service 999): 01 hear & treat, 02 see & treat, 03 see & convey, 04 other.
AMB_UNIT_COSTS = {"01": 65.56, "02": 326.99, "03": 458.73, "04": 22.46}

# Specialist trusts: kind -> (name pattern, treatment functions they run).
SPECIALIST_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "orthopaedic": ("The Royal {a} Orthopaedic Hospital NHS Foundation Trust",
                    ("110", "150", "314", "160", "812", "192")),
    "heart": ("{a} Heart and Chest Hospital NHS Foundation Trust",
              ("170", "320", "340", "192", "812", "107")),
    "children": ("{a} Children's Hospital NHS Foundation Trust",
                 ("171", "420", "120", "110", "150", "302", "192", "812", "180")),
    "cancer": ("The {a} Cancer Centre NHS Foundation Trust",
               ("370", "800", "303", "100", "812", "192")),
    "eye": ("{a} Eye Hospital NHS Foundation Trust", ("130",)),
    "women": ("{a} Women's Hospital NHS Foundation Trust", ("501", "502", "560", "420")),
    "neuro": ("The {a} Neurosciences Centre NHS Foundation Trust",
              ("150", "400", "314", "812", "192")),
}
