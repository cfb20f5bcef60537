"""models/labels/imagenet-1k-tags.json: regenerated from the installed WordNet 3.0 data
(Debian's wordnet-base) it must be byte for byte the committed file, and the tags must say
what a person searching photos expects."""
import json

import pytest

import wordnet_tags

COMMITTED = wordnet_tags.OUT


@pytest.fixture(scope="module")
def generated():
    # no skip: without WordNet this fails and says what to install
    return wordnet_tags.build()


@pytest.fixture(scope="module")
def labels():
    return [label for _, label in wordnet_tags.read_classes(wordnet_tags.LABELS)]


def tags_of(doc, labels, name):
    return doc["classes"][labels.index(name)]


def test_committed_file_is_what_the_generator_writes(generated):
    assert wordnet_tags.dump(generated) == COMMITTED.read_text(encoding="utf-8"), (
        "run python3 models/tool/wordnet_tags.py and commit the result"
    )
    assert json.loads(COMMITTED.read_text())["source"]["dataNounSha256"] == generated["source"]["dataNounSha256"]


def test_every_class_has_an_entry_and_every_tag_is_curated(generated):
    assert len(generated["classes"]) == 1000
    curated = [t["tag"] for t in generated["tags"]]
    assert len(set(curated)) == len(curated)
    for tags in generated["classes"]:
        assert all(t in curated for t in tags)
    used = {t for tags in generated["classes"] for t in tags}
    assert set(curated) == used, f"tags no class has: {set(curated) - used}"
    for useless in ("entity", "physical entity", "object", "whole", "artifact", "instrumentality", "organism"):
        assert useless not in curated


def test_tags_follow_the_hierarchy(generated, labels):
    expect = {
        "Samoyed, Samoyede": ["dog", "mammal", "animal"],
        "tabby, tabby cat": ["cat", "mammal", "animal"],
        "tiger, Panthera tigris": ["big cat", "mammal", "animal"],
        "goldfinch, Carduelis carduelis": ["bird", "animal"],
        "goldfish, Carassius auratus": ["fish", "animal"],
        "espresso": ["drink", "food"],
        "Granny Smith": ["fruit", "food"],
        "broccoli": ["vegetable", "food"],
        "pizza, pizza pie": ["dish", "food"],
        "sports car, sport car": ["car", "vehicle"],
        "airliner": ["aircraft", "vehicle"],
        "container ship, containership, container vessel": ["boat", "ship", "vehicle", "water"],
        "bullet train, bullet": ["train", "vehicle"],
        "daisy": ["flower", "plant"],
        "seashore, coast, seacoast, sea-coast": ["beach", "landscape", "water"],
        "acoustic guitar": ["musical instrument", "device"],
    }
    for name, tags in expect.items():
        assert tags_of(generated, labels, name) == tags, name
    # the exception: WordNet files wheeled vehicles under "container", a search should not
    assert "container" not in tags_of(generated, labels, "minivan")
    assert "container" in tags_of(generated, labels, "backpack, back pack, knapsack, packsack, rucksack, haversack")


def test_a_wrong_synset_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(wordnet_tags, "TAGS", [("dog", [("02121620", "dog")])])  # that offset is "cat"
    with pytest.raises(ValueError, match="synset 02121620 is not 'dog'"):
        wordnet_tags.build()


def test_missing_wordnet_says_what_to_install(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install wordnet-base"):
        wordnet_tags.build(tmp_path)


def test_person_is_an_inferred_row_of_what_people_wear(generated, labels):
    person = next(t for t in generated["tags"] if t["tag"] == "person")
    assert person["kind"] == "inferred" and person["threshold"] == 0.15
    assert "people" in person["words"] and person["note"] and person["about"]
    # the three kinds of person WordNet files under "person", and what people wear
    for name in ("ballplayer, baseball player", "groom, bridegroom", "scuba diver", "suit, suit of clothes", "cowboy hat, ten-gallon hat", "bikini, two-piece"):
        assert "person" in tags_of(generated, labels, name), name
    # photographed on their own as often: not a sign of a person
    for name in ("running shoe", "sock", "mitten", "seat belt, seatbelt"):
        assert "person" not in tags_of(generated, labels, name), name
    assert sum("person" in c for c in generated["classes"]) == 52
    # only the inferred rows carry a kind: the WordNet tags are coarse
    assert [t["tag"] for t in generated["tags"] if "kind" in t] == ["person"]


def test_an_inferred_tag_needs_its_row(monkeypatch):
    monkeypatch.setattr(wordnet_tags, "INFERRED", {"ghost": {"threshold": 0.5, "words": [], "about": "", "note": ""}})
    with pytest.raises(ValueError, match="INFERRED or CURATED tags \\['ghost'\\] have no TAGS row"):
        wordnet_tags.build()


def test_everyday_words_are_curated_rows_with_their_classes_and_threshold(generated, labels):
    rows = {t["tag"]: t for t in generated["tags"]}
    for tag, cur in wordnet_tags.CURATED.items():
        for k, v in cur.items():
            assert rows[tag][k] == v, (tag, k)
    assert rows["dog"]["threshold"] == 0.6 and rows["snow"]["threshold"] == 0.3
    # a potted plant ("pot, flowerpot") is a plant; a flowerpot, a vase, ImageNet's bee are flowers
    assert "plant" in tags_of(generated, labels, "pot, flowerpot")
    assert "flower" in tags_of(generated, labels, "bee")
    # minibuses and pickups are cars to a person searching, though WordNet files them as bus and truck
    assert "car" in tags_of(generated, labels, "pickup, pickup truck") and "truck" in tags_of(generated, labels, "pickup, pickup truck")
    assert "car" in tags_of(generated, labels, "minibus")
    # scenes: what is photographed in them
    assert tags_of(generated, labels, "alp") == ["mountain", "landscape", "snow"]
    assert "snow" in tags_of(generated, labels, "ice bear, polar bear, Ursus Maritimus, Thalarctos maritimus")
    assert "water" in tags_of(generated, labels, "dam, dike, dyke") and "water" in tags_of(generated, labels, "canoe")
    assert "water" not in tags_of(generated, labels, "goose"), "a waterbird is not a photo of water"
    # curated rows carry no kind: they are tags like the WordNet ones
    assert all("kind" not in rows[t] for t in wordnet_tags.CURATED)


def test_aliases_and_unknown_words(generated, labels):
    aliases = generated["aliases"]
    assert aliases["football"] == "soccer ball"
    assert aliases["flowerpot"] == "pot" and aliases["polar bear"] == "ice bear" and aliases["taxi"] == "cab"
    firsts = {label.split(", ")[0].lower() for label in labels}
    tags = {t["tag"] for t in generated["tags"]}
    words = {w for t in generated["tags"] for w in t.get("words", [])}
    for w, tag in aliases.items():
        assert w not in tags and w not in words, f"{w!r} is a tag or a row's word: an alias would shadow it"
        assert tag.lower() in firsts or tag in tags, (w, tag)
    # a name of two classes ("wagon": beach wagon, police van) searches neither
    assert "wagon" not in aliases
    for w in generated["unknown"]:
        assert w not in tags and w not in words and w not in aliases and w not in firsts, w
    assert set(generated["unknown"]) >= {"sunset", "city", "baby"}


def test_an_alias_to_nothing_is_refused(monkeypatch):
    monkeypatch.setattr(wordnet_tags, "ALIASES", {"football": "sock ball"})
    with pytest.raises(ValueError, match="alias 'football': 'sock ball' is no class name nor tag"):
        wordnet_tags.build()
