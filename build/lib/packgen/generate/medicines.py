"""Medicines with a best-value biosimilar or generic (`medicines_reference`) and each acute or
specialist trust's use of them (`medicines_use`).

Brand names are real products; prices are illustrative (list prices for originators, lower
framework-style prices for biosimilars and generics), not published contract prices.
"""

from __future__ import annotations

from functools import cache

from packgen.generate.providers import Provider, rng_for

# molecule -> (product description, national yearly units at an average trust, specialist kinds
# that use it, [(brand, unit price GBP), ...]); the cheapest product is the best-value one.
MOLECULES: dict[str, tuple[str, int, tuple[str, ...], list[tuple[str, float]]]] = {
    "adalimumab": ("40mg/0.4ml solution for injection pre-filled pens", 9000, ("children",),
                   [("Humira", 352.14), ("Amgevita", 158.40), ("Imraldi", 139.00),
                    ("Yuflyma", 118.50)]),
    "infliximab": ("100mg powder for concentrate for solution for infusion vials", 3500,
                   ("children",), [("Remicade", 419.62), ("Inflectra", 377.66),
                                   ("Remsima", 366.00), ("Flixabi", 338.00)]),
    "etanercept": ("50mg/1ml solution for injection pre-filled pens", 4000, ("children",),
                   [("Enbrel", 178.75), ("Benepali", 143.00), ("Erelzi", 151.00)]),
    "rituximab": ("500mg/50ml solution for infusion vials", 900, ("cancer",),
                  [("MabThera", 873.15), ("Truxima", 785.84), ("Rixathon", 790.00),
                   ("Ruxience", 742.00)]),
    "trastuzumab": ("150mg powder for concentrate for solution for infusion vials", 2200,
                    ("cancer",), [("Herceptin", 407.40), ("Kanjinti", 274.00),
                                  ("Ontruzant", 259.00), ("Herzuma", 268.00)]),
    "bevacizumab": ("400mg/16ml solution for infusion vials", 500, ("cancer",),
                    [("Avastin", 924.40), ("Zirabev", 452.00), ("Alymsys", 468.00)]),
    "ustekinumab": ("45mg/0.5ml solution for injection pre-filled syringes", 700, (),
                    [("Stelara", 2147.00), ("Wezenla", 905.00), ("Pyzchiva", 948.00)]),
    "tocilizumab": ("162mg/0.9ml solution for injection pre-filled syringes", 1800, ("children",),
                    [("RoActemra", 228.28), ("Tyenne", 161.00)]),
    "aflibercept": ("40mg/ml solution for injection vials", 5000, ("eye",),
                    [("Eylea", 816.00), ("Yesafili", 488.00), ("Opuviz", 495.00)]),
    "ranibizumab": ("10mg/ml solution for injection vials", 1500, ("eye",),
                    [("Lucentis", 551.00), ("Byooviz", 503.00), ("Ongavia", 523.45)]),
    "teriparatide": ("20micrograms/80microlitres solution for injection pre-filled pens", 400,
                     ("orthopaedic",), [("Forsteo", 271.88), ("Terrosa", 204.00),
                                        ("Movymia", 183.00), ("Teriparatide generic", 190.00)]),
    "pemetrexed": ("500mg powder for concentrate for solution for infusion vials", 600,
                   ("cancer",), [("Alimta", 800.00), ("Pemetrexed generic", 28.50)]),
    "bortezomib": ("3.5mg powder for solution for injection vials", 700, ("cancer",),
                   [("Velcade", 762.38), ("Bortezomib generic", 55.20)]),
}
@cache
def _verhoeff_tables() -> tuple[list[list[int]], list[list[int]], list[int]]:
    d = [[0] * 10 for _ in range(10)]
    for i in range(10):
        for j in range(10):
            if i < 5 and j < 5:
                d[i][j] = (i + j) % 5
            elif i < 5:
                d[i][j] = 5 + (i + j) % 5
            elif j < 5:
                d[i][j] = 5 + (i - j) % 5
            else:
                d[i][j] = (i - j) % 5
    p = [list(range(10)), [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]]
    for k in range(2, 8):
        p.append([p[1][p[k - 1][x]] for x in range(10)])
    inv = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]
    return d, p, inv


def _verhoeff_digit(number: str) -> str:
    """The Verhoeff check digit, as SNOMED CT identifiers carry."""
    d, p, inv = _verhoeff_tables()
    c = 0
    for i, ch in enumerate(reversed(number)):
        c = d[c][p[(i + 1) % 8][int(ch)]]
    return str(inv[c])


def _vmp_code(rng) -> str:
    """A SNOMED-like dm+d code: item id, UK namespace 1000001, partition 10, check digit."""
    body = f"{rng.randint(1000000, 9999999)}100000110"
    return body + _verhoeff_digit(body)


def medicines_reference(seed: int) -> list[tuple]:
    rng = rng_for(seed, "medicines_reference")
    out = []
    for molecule, (form, _, _, products) in MOLECULES.items():
        best_price = min(price for _, price in products)
        for brand, price in products:
            name = f"{molecule.capitalize()} {form} ({brand})"
            out.append((molecule, _vmp_code(rng), name, price == best_price, price))
    return out


def medicines_use(providers: list[Provider], reference: list[tuple], seed: int) -> list[tuple]:
    rng = rng_for(seed, "medicines_use")
    by_molecule: dict[str, list[tuple]] = {}
    for row in reference:
        by_molecule.setdefault(row[0], []).append(row)
    out = []
    for p in providers:
        if not p.acute_like:
            continue
        size = p.income_gbp / 6e8
        propensity = rng.uniform(-0.15, 0.15)  # some trusts switch faster than others
        for molecule, (_, units, kinds, _) in MOLECULES.items():
            used = (p.kind in kinds) if p.sector == "specialist" else rng.random() < 0.9
            if not used:
                continue
            quantity = max(5, round(units * size * rng.lognormvariate(0.0, 0.4)))
            uptake = min(0.98, max(0.35, rng.uniform(0.45, 0.93) + propensity))
            products = by_molecule[molecule]
            best = next(r for r in products if r[3])
            others = [r for r in products if not r[3]]
            weights = [rng.random() ** 2 for _ in others]  # uneven: one product usually leads
            split = {best[1]: round(quantity * uptake)}
            rest = quantity - split[best[1]]
            for row, weight in zip(others, weights, strict=True):
                split[row[1]] = round(rest * weight / sum(weights))
            for row in products:
                qty = split[row[1]]
                if qty > 0:
                    cost = round(qty * row[4] * rng.lognormvariate(0.0, 0.03), 2)
                    out.append((p.code, row[1], qty, cost))
    return out
