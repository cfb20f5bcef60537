"""Photo folders for the tagger's end-to-end tests (tests/browser/tagger-fixture.mjs) and its
benchmark (bench/tagger.mjs), made from tests/fixtures at run time (nothing large is committed).
Needs Pillow (the models venv has it). Prints the number of images made.

    python tools/tagger_photos.py e2e DIR        # 44 images in subfolders + a text file
    python tools/tagger_photos.py bench DIR [N]  # N (200) photos of 12 MP (4000x3000)
    python tools/tagger_photos.py similar DIR    # near-duplicates of 5 photos + 8 unrelated ones
"""

import io
import os
import sys
from pathlib import Path

from PIL import Image, ImageOps

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]


def variants(im):
    w, h = im.size
    yield "", im
    yield "-rot90", im.rotate(90, expand=True)
    yield "-rot180", im.rotate(180)
    yield "-rot270", im.rotate(270, expand=True)
    yield "-mirror", ImageOps.mirror(im)
    yield "-crop-centre", im.crop((w // 5, h // 5, w - w // 5, h - h // 5))
    yield "-crop-corner", im.crop((0, 0, w * 3 // 4, h * 3 // 4))
    yield "-gray", ImageOps.grayscale(im).convert("RGB")
    yield "-small", im.resize((max(1, w // 4), max(1, h // 4)), Image.LANCZOS)
    yield "-wide", im.resize((w * 2, h), Image.BICUBIC)


# the photos the near-duplicates are made of, and the unrelated ones (tests/fixtures/similar/)
DUP_SOURCES = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "similar/camera.jpg"]
UNRELATED = ["coins", "brick", "grass", "gravel", "hubble_deep_field", "retina", "horse", "clock_motion"]


def near_duplicates(im):
    """What a collection holds twice: a re-encode, a resize, a small crop, a rotation."""
    w, h = im.size
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=30)
    yield "-q30.jpg", buf.getvalue()  # the bytes as encoded: no second encode
    yield "-half.jpg", im.resize((w // 2, h // 2), Image.LANCZOS)
    # 10 % off the width and the height, off-centre as a hand crop is
    yield "-crop10.png", im.crop((w * 7 // 100, h * 3 // 100, w * 97 // 100, h * 93 // 100))
    yield "-rot90.png", im.rotate(90, expand=True)


def similar(out: Path):
    """Each source (named stem.png / .jpg) with its near-duplicates (stem-q30.jpg ...) and the
    unrelated photos; a photo's source is its name before the first '-'."""
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for name in DUP_SOURCES:
        stem = Path(name).stem
        im = Image.open(FIXTURES / name).convert("RGB")
        im.save(out / f"{stem}.png")
        n += 1
        for suffix, v in near_duplicates(im):
            if isinstance(v, bytes):
                (out / f"{stem}{suffix}").write_bytes(v)
            else:
                v.save(out / f"{stem}{suffix}", quality=90)
            n += 1
    for stem in UNRELATED:
        (out / f"{stem.replace('_', '')}.jpg").write_bytes((FIXTURES / "similar" / f"{stem}.jpg").read_bytes())
        n += 1
    return n


def e2e(out: Path):
    n = 0
    for name in PHOTOS:
        stem = name.rsplit(".", 1)[0]
        im = Image.open(FIXTURES / name).convert("RGB")
        sub = out / ("cats" if stem == "chelsea" else "misc" if stem in ("astronaut", "rocket") else "kitchen")
        sub.mkdir(parents=True, exist_ok=True)
        for i, (suffix, v) in enumerate(variants(im)):
            # alternate PNG and JPEG so both decoders are exercised
            if i % 2 == 0:
                v.save(sub / f"{stem}{suffix}.png")
            else:
                v.save(sub / f"{stem}{suffix}.jpg", quality=88)
            n += 1
    odd = out / "odd"
    odd.mkdir()
    # a PNG with alpha: the cat behind a gradient of transparency
    cat = Image.open(FIXTURES / "chelsea.png").convert("RGBA")
    alpha = Image.linear_gradient("L").resize(cat.size).point(lambda a: 80 + a * 175 // 255)
    cat.putalpha(alpha)
    cat.save(odd / "chelsea-alpha.png")
    # a 6000x4000 photo (24 MP)
    Image.open(FIXTURES / "coffee.png").convert("RGB").resize((6000, 4000), Image.BICUBIC).save(odd / "coffee-6000x4000.jpg", quality=85)
    # an EXIF-rotated JPEG as cameras write them
    (odd / "coffee-exif-rotated.jpg").write_bytes((FIXTURES / "odd/exif-rotated.jpg").read_bytes())
    # truncated: a real photo's JPEG cut at 60 %, as an interrupted copy leaves it (Firefox and
    # WebKit would decode it without an error, the missing part white or transparent)
    whole = io.BytesIO()
    Image.open(FIXTURES / "chelsea.png").convert("RGB").save(whole, "JPEG", quality=88)
    (odd / "truncated.jpg").write_bytes(whole.getvalue()[: len(whole.getvalue()) * 6 // 10])
    (odd / "notes.txt").write_text("not a photo: skipped\n")
    return n + 4


def bench(out: Path, count: int):
    """`count` 12 MP JPEGs: 8 distinct pictures (4 photos, straight and mirrored), the rest
    hard links to them under other names (the tagger keys results by path, so each is classified)."""
    out.mkdir(parents=True, exist_ok=True)
    masters = []
    for name in PHOTOS:
        im = Image.open(FIXTURES / name).convert("RGB").resize((4000, 3000), Image.BICUBIC)
        for suffix, v in (("", im), ("-mirror", ImageOps.mirror(im))):
            p = out / f"{name.rsplit('.', 1)[0]}{suffix}.jpg"
            v.save(p, quality=90)
            masters.append(p)
    for i in range(len(masters), count):
        link = out / f"photo-{i:04d}.jpg"
        os.link(masters[i % len(masters)], link)
    return count


if __name__ == "__main__":
    kind, out = sys.argv[1], Path(sys.argv[2])
    if kind == "e2e":
        made = e2e(out)
    elif kind == "similar":
        made = similar(out)
    else:
        made = bench(out, int(sys.argv[3]) if len(sys.argv) > 3 else 200)
    print(made)
