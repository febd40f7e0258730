#!/usr/bin/python3
"""Write the image-decoding fixtures under test/fixtures/images/ (PNG and JPEG), with oracles.

Run: /usr/bin/python3 tools/make_image_fixtures.py   (needs python3-pil, python3-numpy, python3-opencv)

PNG: Pillow cannot write most colour type / bit depth combinations nor Adam7 interlacing, so this
script carries a small PNG writer (https://www.w3.org/TR/png-3/) that covers every colour type and
bit depth, PLTE, tRNS and Adam7, and cycles the five row filters so a decoder must implement all of
them. The expected RGB is computed with numpy from the source samples by the rules below, and every
file is then decoded by Pillow and checked against the source, so the writer and the expectation are
both validated by an independent decoder:
  - samples are reduced to 8 bits: depth < 8 by v * 255 / (2^depth - 1), 16 bits by the high byte
    (what Pillow and libpng's png_set_strip_16 do);
  - tRNS: palette alpha per index; grey/RGB pixels equal to the key (compared at full bit depth) get
    alpha 0;
  - alpha is composited on white: out = round((c * a + 255 * (255 - a)) / 255), half rounding up.
JPEG: written by Pillow (libjpeg-turbo) or OpenCV (restart markers); the expected RGB is Pillow's
decode after ImageOps.exif_transpose. JPEG decoders may legitimately differ by a few grey levels
(IDCT and chroma upsampling), so the tests compare with a tolerance.

Outputs for each fixture NAME: NAME.png or NAME.jpg, NAME.rgb (expected RGB, 8-bit, row-major), and
one index.json listing them with width, height and the kind of comparison.
"""
import io
import json
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

OUT = Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'images'
WIDTH, HEIGHT = 13, 11  # odd sizes exercise bit padding and Adam7 passes of uneven size
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


# ---------------------------------------------------------------- PNG writer (fixtures only)

def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def pack_row(samples: np.ndarray, depth: int) -> bytes:
    """Samples of one row (flat, interleaved channels) to PNG bytes, big-endian, MSB-first bits."""
    if depth == 16:
        return samples.astype('>u2').tobytes()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    per_byte = 8 // depth
    padded = np.zeros(-(-len(samples) // per_byte) * per_byte, dtype=np.uint16)
    padded[:len(samples)] = samples
    groups = padded.reshape(-1, per_byte)
    shifts = np.arange(per_byte - 1, -1, -1) * depth
    return (groups << shifts).sum(axis=1).astype(np.uint8).tobytes()


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind: int, row: bytes, prev: bytes, bpp: int) -> bytes:
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out[i] = (x - predictor) & 0xFF
    return bytes([kind]) + bytes(out)


def scanlines(samples: np.ndarray, depth: int, interlace: bool) -> bytes:
    """Filtered scanlines (all passes for Adam7); row filter cycles 0..4 to exercise every filter."""
    bpp = max(1, samples.shape[2] * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw, counter = bytearray(), 0
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prev = None
        for row in sub:
            packed = pack_row(row.reshape(-1), depth)
            prev = prev if prev is not None else bytes(len(packed))
            raw += filter_row(counter % 5, packed, prev, bpp)
            prev, counter = packed, counter + 1
    return bytes(raw)


def write_png(samples, depth, color_type, interlace=False, palette=None, trns=None) -> bytes:
    h, w = samples.shape[:2]
    ihdr = struct.pack('>IIBBBBB', w, h, depth, color_type, 0, 0, 1 if interlace else 0)
    body = chunk(b'IHDR', ihdr)
    if palette is not None:
        body += chunk(b'PLTE', bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        body += chunk(b'tRNS', trns)
    data = zlib.compress(scanlines(samples, depth, interlace), 9)
    # split the stream over several IDAT chunks, as real encoders do
    for start in range(0, len(data), 97):
        body += chunk(b'IDAT', data[start:start + 97])
    return b'\x89PNG\r\n\x1a\n' + body + chunk(b'IEND', b'')


# ---------------------------------------------------------------- PNG expectation (numpy)

def to8(v: np.ndarray, depth: int) -> np.ndarray:
    v = v.astype(np.int64)
    return (v >> 8) if depth == 16 else v * 255 // ((1 << depth) - 1)


def composite_white(rgba: np.ndarray) -> np.ndarray:
    c, a = rgba[..., :3].astype(np.int64), rgba[..., 3:4].astype(np.int64)
    return ((2 * (c * a + 255 * (255 - a)) + 255) // 510).astype(np.uint8)


def expected_rgba(samples, depth, color_type, palette=None, trns_key=None, trns_alpha=None):
    h, w = samples.shape[:2]
    alpha = np.full((h, w), 255, dtype=np.int64)
    if color_type == 3:
        pal = np.asarray(palette, dtype=np.int64)
        rgb = pal[samples[..., 0]]
        if trns_alpha is not None:
            full = np.full(len(pal), 255, dtype=np.int64)
            full[:len(trns_alpha)] = trns_alpha
            alpha = full[samples[..., 0]]
    else:
        colour = samples[..., :1] if color_type in (0, 4) else samples[..., :3]
        if trns_key is not None:
            alpha = np.where((colour == np.asarray(trns_key)).all(axis=-1), 0, 255)
        rgb = np.repeat(to8(colour, depth), 3, axis=-1) if colour.shape[-1] == 1 else to8(colour, depth)
        if color_type in (4, 6):
            alpha = to8(samples[..., -1], depth)
    return np.concatenate([rgb, alpha[..., None]], axis=-1).astype(np.uint8)


def pillow_rgba(png: bytes) -> np.ndarray:
    """Pillow's decode of a PNG as RGBA8 (16-bit grey comes back as mode I: reduce by the high byte)."""
    im = Image.open(io.BytesIO(png))
    im.load()
    if im.mode in ('I', 'I;16', 'I;16B'):
        grey = (np.asarray(im).astype(np.int64) >> 8).astype(np.uint8)
        alpha = np.full(grey.shape, 255, np.uint8)
        key = im.info.get('transparency')
        if key is not None:
            alpha[np.asarray(im) == key] = 0
        return np.stack([grey, grey, grey, alpha], axis=-1)
    return np.asarray(im.convert('RGBA'))


# ---------------------------------------------------------------- PNG cases

def source_samples(rng, channels: int, depth: int) -> np.ndarray:
    """A gradient plus noise, so every filter type sees varied data; uses the full sample range."""
    top = (1 << depth) - 1
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    base = (xx * 7 + yy * 13)[..., None] + np.arange(channels) * 5
    noise = rng.integers(0, top + 1, size=(HEIGHT, WIDTH, channels))
    mixed = (base * top // (WIDTH * 7 + HEIGHT * 13 + 20) + noise) % (top + 1)
    mixed[0, 0, :] = top  # make sure both extremes occur
    mixed[-1, -1, :] = 0
    return mixed.astype(np.uint16)


def png_cases(rng):
    cases = []
    for depth in (1, 2, 4, 8, 16):
        cases.append((f'grey{depth}', dict(color_type=0, depth=depth)))
    for depth in (1, 2, 4, 8):
        cases.append((f'palette{depth}', dict(color_type=3, depth=depth)))
    for depth in (8, 16):
        cases += [(f'rgb{depth}', dict(color_type=2, depth=depth)),
                  (f'greyalpha{depth}', dict(color_type=4, depth=depth)),
                  (f'rgba{depth}', dict(color_type=6, depth=depth))]
    cases += [
        ('grey4-trns', dict(color_type=0, depth=4, trns=True)),
        ('grey16-trns', dict(color_type=0, depth=16, trns=True)),
        ('rgb8-trns', dict(color_type=2, depth=8, trns=True)),
        ('rgb16-trns', dict(color_type=2, depth=16, trns=True)),
        ('palette8-trns', dict(color_type=3, depth=8, trns=True)),
        ('palette2-trns', dict(color_type=3, depth=2, trns=True)),
        ('palette4-short', dict(color_type=3, depth=4, palette_size=9)),
        ('grey1-adam7', dict(color_type=0, depth=1, interlace=True)),
        ('grey2-adam7', dict(color_type=0, depth=2, interlace=True)),
        ('palette4-trns-adam7', dict(color_type=3, depth=4, trns=True, interlace=True)),
        ('grey8-adam7', dict(color_type=0, depth=8, interlace=True)),
        ('rgb8-adam7', dict(color_type=2, depth=8, interlace=True)),
        ('greyalpha8-adam7', dict(color_type=4, depth=8, interlace=True)),
        ('rgba16-adam7', dict(color_type=6, depth=16, interlace=True)),
        ('rgb16-adam7', dict(color_type=2, depth=16, interlace=True)),
    ]
    return cases


def make_png_case(rng, color_type, depth, trns=False, interlace=False, palette_size=None):
    channels = CHANNELS[color_type]
    samples = source_samples(rng, channels, depth)
    palette = trns_bytes = trns_key = trns_alpha = None
    if color_type == 3:
        size = palette_size or (1 << depth)
        palette = rng.integers(0, 256, size=(size, 3))
        samples %= size
        if trns:
            trns_alpha = rng.integers(0, 256, size=max(1, size - 1))  # shorter than PLTE: rest opaque
            trns_alpha[0] = 0
            trns_bytes = bytes(trns_alpha.astype(np.uint8))
    elif trns:
        trns_key = [int(v) for v in samples[HEIGHT // 2, WIDTH // 2, :channels]]
        samples[1, 2, :] = trns_key  # at least two pixels match the key
        trns_bytes = b''.join(struct.pack('>H', v) for v in trns_key)
    png = write_png(samples, depth, color_type, interlace, palette, trns_bytes)
    rgba = expected_rgba(samples, depth, color_type, palette, trns_key, trns_alpha)
    check_with_pillow(png, rgba, trns_key is not None and depth != 8)
    return png, composite_white(rgba)


def check_with_pillow(png: bytes, rgba: np.ndarray, key_needs_scaling: bool) -> None:
    """Pillow must agree with the expectation. Exception: a grey/RGB tRNS key at a bit depth other
    than 8, which Pillow 9 compares with the already reduced 8-bit sample (so it never matches);
    there only the colours are checked against Pillow."""
    got = pillow_rgba(png)
    if key_needs_scaling:
        got = got.copy()
        got[..., 3] = rgba[..., 3]
    if not np.array_equal(got, rgba):
        diff = np.argwhere(got != rgba)[:5]
        raise SystemExit(f'Pillow disagrees with the expectation at {diff.tolist()}')


# ---------------------------------------------------------------- JPEG cases

def asymmetric_pattern(width=45, height=29) -> Image.Image:
    """A picture whose eight orientations all differ: gradient, red block top-left, blue bar right,
    green foot bottom-left. Width and height are not multiples of 8 or 16 (partial MCUs)."""
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.zeros((height, width, 3), np.uint8)
    img[..., 0] = 40 + xx * 150 // width
    img[..., 1] = 60 + yy * 120 // height
    img[..., 2] = 110
    img[2:12, 3:16] = (220, 40, 30)
    img[4:25, width - 8:width - 3] = (30, 50, 210)
    img[height - 7:height - 2, 3:24] = (40, 200, 60)
    return Image.fromarray(img)


def exif_orientation(value: int, big_endian: bool = False) -> bytes:
    """A TIFF/EXIF block with two IFD0 entries (ImageWidth, then Orientation) in either byte order."""
    e = '>' if big_endian else '<'
    head = (b'MM' if big_endian else b'II') + struct.pack(e + 'HI', 42, 8)
    entries = struct.pack(e + 'HHII', 0x0100, 4, 1, 45)
    entries += struct.pack(e + 'HHIHH', 0x0112, 3, 1, value, 0)
    ifd = struct.pack(e + 'H', 2) + entries + struct.pack(e + 'I', 0)
    return b'Exif\x00\x00' + head + ifd


def pillow_jpeg(img: Image.Image, **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, 'JPEG', **kwargs)
    return buf.getvalue()


def jpeg_cases():
    rgb = asymmetric_pattern()
    smooth = Image.fromarray(cv2.GaussianBlur(np.asarray(asymmetric_pattern(64, 48)), (0, 0), 2.0))
    grey = rgb.convert('L')
    cmyk = rgb.convert('CMYK')
    cases = [
        ('baseline-420', pillow_jpeg(rgb, quality=90)),
        ('baseline-422', pillow_jpeg(rgb, quality=90, subsampling=1)),
        ('baseline-444', pillow_jpeg(rgb, quality=90, subsampling=0)),
        ('progressive-420', pillow_jpeg(rgb, quality=90, progressive=True)),
        ('progressive-444', pillow_jpeg(rgb, quality=90, subsampling=0, progressive=True)),
        ('smooth-420', pillow_jpeg(smooth, quality=90)),
        ('grey', pillow_jpeg(grey, quality=90)),
        ('grey-progressive', pillow_jpeg(grey, quality=90, progressive=True)),
        ('cmyk', pillow_jpeg(cmyk, quality=95)),
        ('restart-420', cv2.imencode('.jpg', cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR),
                                     [cv2.IMWRITE_JPEG_QUALITY, 90, cv2.IMWRITE_JPEG_RST_INTERVAL, 2])[1]
         .tobytes()),
    ]
    for value in range(1, 9):
        cases.append((f'orientation-{value}', pillow_jpeg(rgb, quality=92, subsampling=0,
                                                          exif=exif_orientation(value))))
    cases.append(('orientation-6-motorola', pillow_jpeg(rgb, quality=92, subsampling=0,
                                                        exif=exif_orientation(6, True))))
    cases.append(('orientation-3-progressive', pillow_jpeg(rgb, quality=92, progressive=True,
                                                           exif=exif_orientation(3))))
    return cases


def pillow_decode_jpeg(data: bytes) -> np.ndarray:
    im = Image.open(io.BytesIO(data))
    return np.asarray(ImageOps.exif_transpose(im).convert('RGB'))


# ---------------------------------------------------------------- main

def main() -> None:
    rng = np.random.default_rng(20261128)
    index = []
    for sub in ('png', 'jpeg'):
        (OUT / sub).mkdir(parents=True, exist_ok=True)
    for name, params in png_cases(rng):
        png, rgb = make_png_case(rng, **params)
        (OUT / 'png' / f'{name}.png').write_bytes(png)
        (OUT / 'png' / f'{name}.rgb').write_bytes(rgb.tobytes())
        index.append(dict(file=f'png/{name}.png', expected=f'png/{name}.rgb', width=rgb.shape[1],
                          height=rgb.shape[0], compare='exact', **{k: v for k, v in params.items()}))
    for name, data in jpeg_cases():
        rgb = pillow_decode_jpeg(data)
        (OUT / 'jpeg' / f'{name}.jpg').write_bytes(data)
        (OUT / 'jpeg' / f'{name}.rgb').write_bytes(rgb.tobytes())
        index.append(dict(file=f'jpeg/{name}.jpg', expected=f'jpeg/{name}.rgb', width=rgb.shape[1],
                          height=rgb.shape[0], compare='tolerance'))
    (OUT / 'index.json').write_text(json.dumps(index, indent=1) + '\n')
    total = sum(p.stat().st_size for p in OUT.rglob('*') if p.is_file())
    print(f'{len(index)} fixtures, {total} bytes in {OUT}')


if __name__ == '__main__':
    main()
