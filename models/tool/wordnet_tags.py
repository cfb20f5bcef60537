"""Coarse, searchable tags for the ImageNet-1k classes, from the WordNet 3.0 noun hierarchy.

Every ImageNet-1k class is a WordNet 3.0 noun synset (`n02111889` is the synset at byte offset
02111889 of `data.noun`: Samoyed). A class gets a tag when one of the tag's synsets is the class
itself or one of its hypernyms (`@` and instance hypernyms `@i`, followed to the root): Samoyed
-> spitz -> dog -> canine -> carnivore -> ... -> mammal -> ... -> animal, so it is tagged
"dog", "mammal", "animal". Only the curated TAGS below are used: the hierarchy's other
ancestors ("entity", "physical entity", "whole", "instrumentality") are of no use in a search.

    python3 models/tool/wordnet_tags.py                     # writes models/labels/imagenet-1k-tags.json
    python3 models/tool/wordnet_tags.py --check             # exit 1 if the committed file differs
    python3 models/tool/wordnet_tags.py --wordnet DIR --out FILE

The WordNet data comes from Debian's `wordnet-base` package (/usr/share/wordnet/data.noun,
WordNet 3.0, Princeton's WordNet 3.0 license: use, copy, modify and distribute for any purpose
without fee, with the copyright notice kept). Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORDNET_DIR = Path("/usr/share/wordnet")
LABELS = REPO / "models/labels/imagenet-1k.tsv"
OUT = REPO / "models/labels/imagenet-1k-tags.json"

# What people wear: clothes, uniforms, headwear and swimwear seen on someone far more often than
# alone (ImageNet-1k classes; shoes, socks, stockings, mittens, masks and seat belts are left out,
# as they are photographed on their own as often). ImageNet has no class for a person as such,
# only three kinds of one (ballplayer, groom, scuba diver, under WordNet's "person"), so "person",
# the first word many users type, is inferred from these too (INFERRED).
WORN: list[tuple[str, str]] = [
    ("02667093", "abaya"), ("02669723", "academic_gown"), ("02730930", "apron"), ("02807133", "bathing_cap"), ("02817516", "bearskin"),
    ("02837789", "bikini"), ("02865351", "bolo_tie"), ("02869837", "bonnet"), ("02883205", "bow_tie"), ("02892767", "brassiere"),
    ("02916936", "bulletproof_vest"), ("02963159", "cardigan"), ("03045698", "cloak"), ("03124170", "cowboy_hat"), ("03127747", "crash_helmet"),
    ("03325584", "feather_boa"), ("03379051", "football_helmet"), ("03404251", "fur_coat"), ("03424325", "gasmask"), ("03450230", "gown"),
    ("03534580", "hoopskirt"), ("03594734", "jean"), ("03595614", "jersey"), ("03617480", "kimono"), ("03630383", "lab_coat"),
    ("03710637", "maillot"), ("03710721", "maillot"), ("03763968", "military_uniform"), ("03770439", "miniskirt"), ("03787032", "mortarboard"),
    ("03814639", "neck_brace"), ("03866082", "overskirt"), ("03868863", "oxygen_mask"), ("03877472", "pajama"), ("03980874", "poncho"),
    ("04136333", "sarong"), ("04209133", "shower_cap"), ("04229816", "ski_mask"), ("04259630", "sombrero"), ("04325704", "stole"),
    ("04350905", "suit"), ("04355933", "sunglass"), ("04356056", "sunglasses"), ("04370456", "sweatshirt"), ("04371430", "swimming_trunks"),
    ("04479046", "trench_coat"), ("04532106", "vestment"), ("04584207", "wig"), ("04591157", "windsor_tie"),
]

# Tags no class names, inferred from classes that go with them (their TAGS row lists those
# classes): a photo gets one when the summed probability of its classes reaches the tag's own
# threshold, not the caller's. The page maps `words` to the tag in a search and shows `note`
# when it is searched, `about` beside it in a photo's details.
INFERRED: dict[str, dict] = {
    "person": {
        # astronaut.png (a person in a space suit: "football helmet", "crash helmet"...) gets 0.23,
        # the other fixture photos 0.05 at most (tests/js/tagger-similar.test.mjs prints them)
        "threshold": 0.15,
        "words": ["person", "persons", "people", "human", "humans", "man", "men", "woman", "women", "child", "children", "kid", "kids"],
        "about": "inferred from what the photo shows being worn: see the note under the search box",
        "note": (
            "“person” is a guess: ImageNet has no person class, so it is inferred from what people wear "
            "(suits, uniforms, gowns, helmets, swimwear…). It misses people whose clothes it does not recognise "
            "(faces, crowds, everyday clothes) and also tags clothes photographed on their own. "
            "Its precision has been checked on a handful of test photos only."
        ),
    },
}

# Everyday words people search for (issue 28: beach, mountain, food, car, flower, snow, sunset,
# city, baby, dog, cat, person), as PhotoPrism curates its labels: a row's own threshold on the
# summed probability of its classes, and the words that search for it. Measured on the labelled
# set (tests/fixtures/subjects/, `node bench/words.mjs`; docs/tagger.md#everyday-words), and
# chosen there: the set is small (2 dogs, 3 snowy photos), so these are judgements, not fits.
CURATED: dict[str, dict] = {
    # 120 dog breeds collect what a lion, a cow or a sand dune spreads over them (0.23-0.56 on the set); a dog gets 0.86 or more
    "dog": {"threshold": 0.6, "words": ["puppy", "puppies", "doggy", "hound"]},
    # not "kitty": a pet's name people teach a tag by
    "cat": {"words": ["kitten", "kittens"]},
    # an alp is a snowy mountain: an igloo in the snow reaches 0.33; both mountains 0.42 or more
    "mountain": {"threshold": 0.4, "words": ["hill", "hills", "peak", "peaks", "mountains"]},
    "beach": {"words": ["seaside", "shore", "coast"]},
    "car": {"words": ["automobile", "auto", "autos"]},
    "flower": {"words": ["blossom", "blossoms", "bloom", "blooms"]},
    "plant": {"words": ["potted plant", "houseplant", "houseplants"]},
    "food": {"words": ["meal", "meals"]},
    "snow": {"threshold": 0.3, "words": ["snowy", "winter"]},
    "water": {"threshold": 0.3, "words": ["lake", "lakes", "sea", "river", "rivers", "ocean"]},
}

# A class's other names searched as it ("football" finds the "soccer ball" a footballer is
# tagged with, as "soccer" does); the labels' own other names ("flowerpot", "polar bear") are
# added by build().
ALIASES: dict[str, str] = {
    "football": "soccer ball",
    "footballer": "soccer ball",
    "soccer": "soccer ball",
}

# Words people search that no row can give well: ImageNet has no class for them and the classes
# near them tag other photos (measured: "city" from palaces, mosques and streetcars finds
# monuments that are not cities at 0.5-0.67 precision). Searched, the page says so and what to
# try instead, rather than showing wrong photos or "0 photos".
UNKNOWN: dict[str, str] = {
    "sunset": "ImageNet has no class for a sunset or a sky: a sunset photo is tagged by what is in it (a lake, a volcano, a dock)",
    "sunrise": "ImageNet has no class for a sunrise or a sky: such a photo is tagged by what is in it",
    "city": "ImageNet has no class for a city or a street: try “building”, or what is in the photo (“streetcar”, “palace”, “traffic light”)",
    "baby": "ImageNet has no class for a baby (nor for a person): try “crib”, “cradle” or “diaper”, or teach a tag from a few photos",
    "babies": "ImageNet has no class for a baby (nor for a person): try “crib”, “cradle” or “diaper”, or teach a tag from a few photos",
    "sky": "ImageNet has no class for the sky: a photo is tagged by what is in it",
}

# (tag, [(synset offset, a lemma of that synset: checked, so a typo cannot pick a wrong sense)],
#  optionally [(synset, lemma)] whose descendants do not get the tag).
# Order matters: it is the order tags are listed in, most specific kinds first.
TAGS: list[tuple] = [
    # animals
    ("dog", [("02084071", "dog")]),
    ("wolf", [("02114100", "wolf")]),
    ("fox", [("02118333", "fox")]),
    ("cat", [("02121620", "cat")]),
    ("big cat", [("02127808", "big_cat")]),
    ("bear", [("02131653", "bear")]),
    ("monkey", [("02484322", "monkey")]),
    ("ape", [("02470325", "ape")]),
    ("horse", [("02374451", "horse")]),
    ("rabbit", [("02323902", "leporid")]),
    ("rodent", [("02329401", "rodent")]),
    ("hoofed animal", [("02370806", "ungulate")]),
    ("sea mammal", [("02062017", "aquatic_mammal")]),
    ("bird", [("01503061", "bird")]),
    ("bird of prey", [("01604330", "bird_of_prey")]),
    ("parrot", [("01816887", "parrot")]),
    ("waterbird", [("01844917", "aquatic_bird")]),
    ("fish", [("02512053", "fish")]),
    ("shark", [("01482330", "shark")]),
    ("snake", [("01726692", "snake")]),
    ("lizard", [("01674464", "lizard")]),
    ("turtle", [("01662784", "turtle")]),
    ("frog", [("01639765", "frog")]),
    ("reptile", [("01661091", "reptile")]),
    ("amphibian", [("01627424", "amphibian")]),
    ("butterfly", [("02274259", "butterfly")]),
    ("beetle", [("02164464", "beetle")]),
    ("insect", [("02159955", "insect")]),
    ("spider", [("01772222", "spider")]),
    ("crab", [("01976957", "crab")]),
    ("crustacean", [("01974773", "crustacean")]),
    ("shellfish", [("01940736", "mollusk")]),
    ("mammal", [("01861778", "mammal")]),
    ("animal", [("00015388", "animal")]),
    ("person", [("00007846", "person"), *WORN]),
    # plants and food
    # + CURATED's classes: a field of rapeseed, a flowerpot or a vase, ImageNet's bees and sulphur
    # butterflies (photographed on blossoms)
    ("flower", [("11669921", "flower"), ("11939491", "daisy"), ("11879895", "rapeseed"), ("03991062", "pot"), ("04522168", "vase"), ("02206856", "bee"), ("02281406", "sulphur_butterfly")]),
    ("mushroom", [("12992868", "fungus"), ("07734744", "mushroom")]),
    # acorns, rose hips, ears of corn; an apple is food, not "plant"
    # a potted plant is classified "pot, flowerpot": a search for "plant" must find it
    ("plant", [("00017222", "plant"), ("13086908", "plant_part"), ("03991062", "pot")], [("07555863", "food"), ("00021265", "food")]),
    ("fruit", [("07705931", "edible_fruit")]),
    ("vegetable", [("07707451", "vegetable")]),
    ("bread", [("07622061", "baked_goods")]),
    ("dessert", [("07609840", "dessert")]),
    ("dish", [("07557434", "dish")]),
    ("drink", [("07881800", "beverage")]),
    ("food", [("00021265", "food"), ("07555863", "food")]),
    # vehicles
    # WordNet files minibuses, pickups and police vans under bus and truck; people call them cars
    ("car", [("02958343", "car"), ("03769881", "minibus"), ("03930630", "pickup"), ("03977966", "police_van"), ("04065272", "recreational_vehicle")]),
    ("truck", [("04490091", "truck")]),
    ("bus", [("02924116", "bus")]),
    ("bicycle", [("02834778", "bicycle")]),
    ("motorcycle", [("03790512", "motorcycle")]),
    ("train", [("04468005", "train"), ("03684823", "locomotive"), ("04335435", "streetcar"), ("02959942", "railcar")]),
    ("boat", [("04530566", "watercraft")]),
    ("ship", [("04194289", "ship")]),
    ("aircraft", [("02686568", "aircraft")]),
    ("spacecraft", [("04264914", "spacecraft")]),
    ("vehicle", [("04524313", "vehicle"), ("04468005", "train")]),
    # things
    ("building", [("02913152", "building"), ("04105068", "roof")]),
    ("house", [("03259505", "dwelling")]),
    ("bridge", [("02898711", "bridge")]),
    ("shop", [("04202417", "shop"), ("03748162", "mercantile_establishment")]),
    ("furniture", [("03405725", "furniture")]),
    ("seat", [("04161981", "seat")]),
    ("headwear", [("03502509", "headdress")]),
    ("footwear", [("03380867", "footwear"), ("03381126", "footwear")]),
    ("clothing", [("03051540", "clothing"), ("03380867", "footwear")]),
    ("musical instrument", [("03800933", "musical_instrument")]),
    ("ball", [("02778669", "ball")]),
    ("sports equipment", [("04285146", "sports_equipment"), ("03414162", "game_equipment"), ("04285622", "sports_implement")]),
    ("toy", [("03964744", "plaything")]),
    ("weapon", [("04565375", "weapon")]),
    ("kitchenware", [("03621049", "kitchen_utensil"), ("04381994", "tableware"), ("03620052", "kitchen_appliance")]),
    ("appliance", [("02729837", "appliance")]),
    ("computer", [("03082979", "computer")]),
    ("phone", [("04401088", "telephone")]),
    ("camera", [("02942699", "camera")]),
    ("electronics", [("03278248", "electronic_equipment"), ("03082979", "computer"), ("03078287", "communication_system"), ("02942699", "camera")]),
    ("clock", [("04437953", "timepiece")]),
    ("lamp", [("04263760", "source_of_illumination")]),
    ("pen", [("03906997", "pen")]),
    ("cosmetics", [("03113152", "cosmetic"), ("04447443", "toiletry")]),
    ("fabric", [("03309808", "fabric"), ("03932670", "piece_of_cloth")]),
    ("armor", [("02739668", "armor")]),
    ("bottle", [("02876657", "bottle")]),
    ("bag", [("02773037", "bag")]),
    # WordNet files wheeled vehicles under "container" (they carry loads): not what a search means
    ("container", [("03094503", "container")], [("04524313", "vehicle")]),
    ("tool", [("04451818", "tool")]),
    ("machine", [("03699975", "machine")]),
    ("structure", [("04341686", "structure")]),
    ("device", [("03183080", "device")]),
    # places
    ("beach", [("09217230", "beach"), ("09428293", "seashore"), ("09421951", "sandbar")]),
    ("mountain", [("09359803", "mountain"), ("09193705", "alp")]),
    ("landscape", [("09287968", "geological_formation")]),
    # scenes no class names (CURATED): what is photographed in them
    ("snow", [("09193705", "alp"), ("02134084", "ice_bear"), ("02120079", "arctic_fox"), ("04228054", "ski"), ("04252077", "snowmobile"),
              ("04252225", "snowplow"), ("03218198", "dogsled"), ("02860847", "bobsled")]),
    ("water", [("09332890", "lakeside"), ("09428293", "seashore"), ("09421951", "sandbar"), ("03160309", "dam"), ("03216828", "dock"),
               ("03933933", "pier"), ("02859443", "boathouse"), ("02894605", "breakwater"), ("03388043", "fountain"), ("09288635", "geyser"),
               ("02951358", "canoe"), ("03873416", "paddle"), ("03447447", "gondola"), ("04273569", "speedboat"), ("03662601", "lifeboat"),
               ("03344393", "fireboat"), ("02981792", "catamaran"), ("04483307", "trimaran"), ("04612504", "yawl"), ("04147183", "schooner"),
               ("03673027", "liner"), ("03095699", "container_ship"), ("04347754", "submarine"), ("04251144", "snorkel"), ("10565667", "scuba_diver"),
               ("04606251", "wreck")]),
]


def read_nouns(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """data.noun -> {offset: (lemmas, hypernym offsets)} (format: wndb(5WN))."""
    synsets: dict[str, tuple[list[str], list[str]]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):  # the license header
                continue
            fields = line.split(" ")
            offset, count = fields[0], int(fields[3], 16)
            lemmas = [fields[4 + 2 * i] for i in range(count)]
            i = 4 + 2 * count
            pointers = int(fields[i])
            i += 1
            hypernyms = []
            for _ in range(pointers):
                symbol, target, pos = fields[i : i + 3]
                i += 4
                if symbol in ("@", "@i") and pos == "n":
                    hypernyms.append(target)
            synsets[offset] = (lemmas, hypernyms)
    return synsets


def ancestors(synsets, offset: str) -> set[str]:
    """The synset and all its hypernyms up to the root."""
    seen, todo = {offset}, [offset]
    while todo:
        for h in synsets[todo.pop()][1]:
            if h not in seen:
                seen.add(h)
                todo.append(h)
    return seen


def has_tag(tag: tuple, up: set[str]) -> bool:
    senses, unless = tag[1], tag[2] if len(tag) > 2 else []
    return any(o in up for o, _ in senses) and not any(o in up for o, _ in unless)


def read_classes(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        wnid, label = line.split("\t")
        out.append((wnid, label))
    return out


def build(wordnet_dir: Path = WORDNET_DIR, labels: Path = LABELS) -> dict:
    data = wordnet_dir / "data.noun"
    if not data.is_file():
        raise FileNotFoundError(f"{data} is missing: install WordNet 3.0 (Debian: apt-get install wordnet-base)")
    synsets = read_nouns(data)
    for tag, *lists in TAGS:
        for offset, lemma in (s for senses in lists for s in senses):
            if offset not in synsets or lemma not in [w.lower() for w in synsets[offset][0]]:
                raise ValueError(f"tag {tag!r}: synset {offset} is not {lemma!r} in {data}")
    unknown = (set(INFERRED) | set(CURATED)) - {t[0] for t in TAGS}
    if unknown:
        raise ValueError(f"INFERRED or CURATED tags {sorted(unknown)} have no TAGS row")
    classes = read_classes(labels)
    table = []
    for index, (wnid, label) in enumerate(classes):
        offset = wnid[1:]
        if wnid[0] != "n" or offset not in synsets:
            raise ValueError(f"class {index} ({label}): {wnid} is not a WordNet 3.0 noun synset")
        lemmas = [w.replace("_", " ") for w in synsets[offset][0]]
        if label.split(", ")[0] not in lemmas:
            raise ValueError(f"class {index}: {wnid} is {lemmas} in WordNet, the labels say {label!r}")
        up = ancestors(synsets, offset)
        table.append([t[0] for t in TAGS if has_tag(t, up)])
    return {
        "schema": 1,
        "labels": "imagenet-1k",
        "about": (
            "For each ImageNet-1k class index, its coarse tags: the curated tags whose WordNet synset "
            "is the class or one of its hypernyms. A tag of kind inferred (no class names it) has its own "
            "threshold, the search words that mean it and a note on how far to trust it; a curated row "
            "(an everyday word) its own threshold and search words too. aliases: other words that search "
            "for a tag or class name; unknown: words no class can give, with what to say when searched. "
            "Generated by models/tool/wordnet_tags.py; do not edit."
        ),
        "source": {
            "wordnet": "WordNet 3.0 data.noun (Debian package wordnet-base)",
            "dataNounSha256": hashlib.sha256(data.read_bytes()).hexdigest(),
            "license": (
                "WordNet 3.0 license (Princeton University): permission to use, copy, modify and distribute "
                "for any purpose without fee, provided the copyright notice is kept. WordNet 3.0 Copyright 2006 "
                "by Princeton University. All rights reserved."
            ),
        },
        "tags": [
            {
                "tag": t[0],
                "synsets": ["n" + o for o, _ in t[1]],
                **({"except": ["n" + o for o, _ in t[2]]} if len(t) > 2 else {}),
                **({"kind": "inferred", **INFERRED[t[0]]} if t[0] in INFERRED else {}),
                **CURATED.get(t[0], {}),
            }
            for t in TAGS
        ],
        "aliases": aliases([label for _, label in classes]),
        "unknown": UNKNOWN,
        "classes": table,
    }


def aliases(labels: list[str]) -> dict[str, str]:
    """Word -> the tag it searches: ALIASES, and each label's other names ("flowerpot" -> "pot")
    where the name is no tag itself, no search word of a row, and names one class only."""
    names = {n.lower() for n in (label.split(", ")[0] for label in labels)}
    taken = names | {t[0] for t in TAGS} | {w for d in (*INFERRED.values(), *CURATED.values()) for w in d.get("words", [])}
    seen: dict[str, set[str]] = {}
    for label in labels:
        first, *others = label.split(", ")
        for o in others:
            seen.setdefault(o.lower(), set()).add(first)
    out = {w: tags.pop() for w, tags in seen.items() if len(tags) == 1 and w not in taken and w not in UNKNOWN}
    for w, tag in ALIASES.items():
        if tag.lower() not in names and tag not in {t[0] for t in TAGS}:
            raise ValueError(f"alias {w!r}: {tag!r} is no class name nor tag")
        out[w] = tag
    return dict(sorted(out.items()))


def dump(doc: dict) -> str:
    """JSON with one line per tag and per class: small, and diffs stay readable."""
    head = {k: v for k, v in doc.items() if k not in ("tags", "classes", "aliases")}
    lines = json.dumps(head, indent=1, ensure_ascii=False)[:-2].splitlines()
    lines[-1] += ","
    lines.append(' "tags": [')
    lines += [f"  {json.dumps(t, ensure_ascii=False)}," for t in doc["tags"]]
    lines[-1] = lines[-1][:-1]
    lines.append(" ],")
    lines.append(' "aliases": {')
    lines += [f"  {json.dumps(w, ensure_ascii=False)}: {json.dumps(t, ensure_ascii=False)}," for w, t in doc["aliases"].items()]
    lines[-1] = lines[-1][:-1]
    lines.append(" },")
    lines.append(' "classes": [')
    lines += [f"  {json.dumps(c, ensure_ascii=False)}," for c in doc["classes"]]
    lines[-1] = lines[-1][:-1]
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--wordnet", type=Path, default=WORDNET_DIR, help="directory holding data.noun")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    a = p.parse_args(argv)
    text = dump(build(a.wordnet))
    if a.check:
        if not a.out.is_file() or a.out.read_text(encoding="utf-8") != text:
            print(f"{a.out} differs from what {a.wordnet}/data.noun gives: run models/tool/wordnet_tags.py", file=sys.stderr)
            return 1
        print(f"{a.out}: up to date")
        return 0
    a.out.write_text(text, encoding="utf-8")
    print(f"wrote {a.out} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
