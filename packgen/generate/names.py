"""Invented place names, trust names and codes that cannot be mistaken for real NHS bodies.

Real trust codes start with R or T and real ICB codes are Q plus two characters; every synthetic
provider code starts with Z and every ICB code with QZ, which no real organisation uses. The place
names are made up (checked against the ODS list of trusts while developing).
"""

from __future__ import annotations

import random

PLACES = (
    "Ashvale", "Brackenmere", "Caldenholt", "Dunmarsh", "Elderwick", "Farrowdene", "Fennholt",
    "Gallowmere", "Hazelmarsh", "Ingleholt", "Kelverdale", "Larkmoor", "Lindenholt", "Marrowick",
    "Mellingdene", "Norwold", "Oakhaven", "Pellbrook", "Quillmere", "Ravensholt", "Rosswold",
    "Stannerby", "Thornwold", "Ullswick", "Verrowby", "Wyndmere", "Yarrowdene", "Amberholt",
    "Blythewold", "Corriston", "Drayholme", "Eastmarrow", "Felwick", "Glenholt", "Halsmere",
    "Ivelbrook", "Kestrelby", "Lowmarsh", "Morrowdale", "Netherwold", "Orrinford", "Pennimarsh",
    "Redholt", "Saltmere", "Tallowby", "Underwold", "Vennford", "Westmarrow", "Wrenholt",
    "Yarrowick", "Alderwick", "Brindlemere", "Dallowby", "Emberdale", "Foxmarsh", "Greywold",
    "Hollinsby", "Ironmere", "Juniperholt", "Kingsmarrow", "Lyndwold", "Mistlebrook", "Oxenwold",
    "Pryorsby", "Rookmere", "Sandwold", "Tewmarsh", "Umberholt", "Wealdmere", "Ashcombe Vale",
    "Brockholt", "Cindermere", "Dovewold", "Elmsmarsh", "Fallowick", "Gorsedene", "Heronsby",
    "Kilnmere", "Lanternby", "Millbeck Vale", "Nettlewold", "Otterdene", "Pikesmarsh",
    "Quarrymere", "Rushwold", "Sedgeholt", "Tinmarsh", "Wychdene", "Yewmere", "Bramblewick",
    "Coppermarsh", "Dunnockby", "Eskerholt", "Flintmere", "Hawkswold", "Larchdene", "Moorwick",
    "Northmarrow", "Southwold Vale", "Silverdene", "Threlholt", "Wilverby", "Ambermarsh",
    "Beckwold", "Cresswick", "Darrowmere", "Fernwold", "Glassby", "Holloway Vale", "Kettlewick",
    "Lowdene", "Mardenholt", "Oakmarsh", "Plumwold", "Riverdene", "Stonewick", "Tarnby",
    "Vellmere", "Willowdene", "Ashmarsh", "Birchwold", "Cobbledene", "Duneholt", "Eaglemere",
    "Foxwold", "Greenmarrow", "Hartwold", "Ivydene", "Juniper Vale", "Kingsholt", "Lindmarsh",
    "Mossby", "Newmarrow", "Orchardene", "Pebblewick", "Ravenmere", "Sorrelby", "Teaseldene",
    "Wadebrook Vale", "Wickenholt", "Yarnwold", "Amberwick", "Brackenby", "Chalkdene",
    "Dewmarsh", "Elderwold", "Fairmarrow", "Goldmere", "Heathwick", "Inkerby", "Jessamy Vale",
)
# Ambulance trusts cover wide, compass-named areas (as real ones do).
AMBULANCE_AREAS = (
    "Central {a}", "North {a}", "East {a}", "Western {a}", "South {a} Coast", "{a} and the Isles",
    "Greater {a}", "Upper {a}", "Mid {a}", "{a} and Wolds",
)
_CODE_CHARS = "123456789ABCDEFGHJKLMNPQRSTUVWXY"  # no I, O (read as 1, 0); no Z in position 2+


class PlacePool:
    """Invented place names drawn without replacement, reshuffled when used up.

    Each sector draws from its own pool, so a place may name, say, both an acute and a mental
    health trust (as Oxford does in reality) but rarely two trusts of one sector.
    """

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._left: list[str] = []

    def pop(self) -> str:
        if not self._left:
            self._left = list(PLACES)
            self._rng.shuffle(self._left)
        return self._left.pop()


def provider_codes(prefixes: str, count: int) -> list[str]:
    """`count` unique codes Z + prefix letter + character, e.g. ZA1, ZA2, ..., ZB1."""
    codes = [f"Z{p}{c}" for p in prefixes for c in _CODE_CHARS]
    if count > len(codes):
        raise ValueError(f"only {len(codes)} codes with prefixes {prefixes!r}")
    return codes[:count]


def icb_codes(count: int) -> list[str]:
    """Fictional ICB codes QZ1, QZ2, ... (no real ICB code starts with QZ)."""
    return [f"QZ{c}" for c in _CODE_CHARS[:count]]


# The synthetic dataset's fictional systems, in the order of `icb_codes` (which never depends on
# the seed): invented areas, named the way real ICBs are ("NHS <area> Integrated Care Board").
ICB_AREAS = (
    "Ashvale and Dunmarsh", "Brackenmere", "Caldenholt and Fennholt", "Elderwick and Larkmoor",
    "Farrowdene", "Gallowmere and Ingleholt", "Hazelmarsh", "Kelverdale and Norwold",
    "Lindenholt", "Marrowick and Oakhaven", "Mellingdene and Quillmere", "Pellbrook",
    "Ravensholt and Stannerby", "Rosswold", "Thornwold and Ullswick", "Verrowby",
    "Wyndmere and Yarrowdene", "Amberholt", "Blythewold and Corriston", "Drayholme",
    "Eastmarrow and Felwick", "Glenholt", "Halsmere and Ivelbrook", "Kestrelby",
    "Lowmarsh and Morrowdale", "Netherwold", "Orrinford and Pennimarsh", "Redholt",
    "Saltmere and Tallowby", "Underwold", "Vennford and Westmarrow", "Wrenholt",
)


def synthetic_icb_names() -> dict[str, str]:
    """Fictional ICB code -> fictional name, for every code `icb_codes` can give."""
    return {code: f"NHS {area} Integrated Care Board"
            for code, area in zip(icb_codes(len(ICB_AREAS)), ICB_AREAS, strict=True)}


def acute_name(peer_group: str, places: PlacePool, rng: random.Random) -> str:
    a = places.pop()
    if peer_group == "ACUTE - TEACHING":
        pattern = rng.choice(("University Hospitals of {a} NHS Foundation Trust",
                              "{a} University Hospitals NHS Trust",
                              "{a} Teaching Hospitals NHS Foundation Trust"))
    elif peer_group == "ACUTE - MULTI-SERVICE":
        pattern = rng.choice(("{a} Integrated Care NHS Foundation Trust",
                              "{a} and {b} Health and Care NHS Trust"))
    else:
        pattern = rng.choice(("{a} Hospitals NHS Trust", "{a} and {b} Hospitals NHS Trust",
                              "{a} and {b} NHS Foundation Trust",
                              "{a} Healthcare NHS Foundation Trust"))
    b = places.pop() if "{b}" in pattern else ""
    return pattern.format(a=a, b=b)


def mental_health_name(places: PlacePool, rng: random.Random) -> str:
    pattern = rng.choice(("{a} Partnership NHS Foundation Trust",
                          "{a} and {b} Mental Health NHS Trust",
                          "{a} Health and Wellbeing NHS Foundation Trust",
                          "{a} Care NHS Foundation Trust"))
    a = places.pop()
    b = places.pop() if "{b}" in pattern else ""
    return pattern.format(a=a, b=b)


def community_name(places: PlacePool, rng: random.Random) -> str:
    pattern = rng.choice(("{a} Community Health NHS Trust",
                          "{a} and {b} Community Healthcare NHS Trust"))
    a = places.pop()
    b = places.pop() if "{b}" in pattern else ""
    return pattern.format(a=a, b=b)


def ambulance_name(index: int, places: PlacePool) -> str:
    area = AMBULANCE_AREAS[index % len(AMBULANCE_AREAS)].format(a=places.pop())
    return f"{area} Ambulance Service NHS Trust"
