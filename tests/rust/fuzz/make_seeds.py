"""The fuzz test's WebP and GIF seeds (tests/rust/fuzz/seeds/), made small from the cat photo
with PIL 13 (libwebp): the repository's fixtures hold no WebP or GIF, and small seeds keep the
mutated decodes fast. JPEG and PNG seeds are the fixtures themselves.

    python tests/rust/fuzz/make_seeds.py
"""
from pathlib import Path

from PIL import Image

here = Path(__file__).parent / 'seeds'
root = Path(__file__).parents[2] / 'fixtures'
cat = Image.open(root / 'chelsea.png').convert('RGB').resize((96, 64), Image.BICUBIC)
alpha = Image.linear_gradient('L').resize((96, 64))
rgba = cat.copy()
rgba.putalpha(alpha)
frames = [cat, cat.rotate(90), cat.transpose(Image.FLIP_LEFT_RIGHT)]

here.mkdir(exist_ok=True)
cat.save(here / 'lossy.webp', quality=80)  # VP8
rgba.save(here / 'lossy-alpha.webp', quality=80)  # VP8X + ALPH + VP8
cat.save(here / 'lossless.webp', lossless=True)  # VP8L
frames[0].save(here / 'animated.webp', save_all=True, append_images=frames[1:], duration=100, quality=70)
cat.save(here / 'interlaced.gif')  # PIL interlaces a GIF unless told not to
cat.save(here / 'still.gif', interlace=False)
frames[0].save(here / 'animated.gif', save_all=True, append_images=frames[1:], duration=100, loop=0)
