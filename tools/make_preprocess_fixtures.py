#!/usr/bin/python3
"""Write preprocessing oracles under test/fixtures/images/preprocess/ with torchvision on PIL images.

Run: /usr/bin/python3 tools/make_preprocess_fixtures.py   (needs python3-torchvision, python3-pil)

For a landscape and a portrait source image (raw RGB, committed), each case applies
  transforms.Resize(size) [+ CenterCrop(crop)] -> the 8-bit image (NAME.rgb), then
  ToTensor() + Normalize(mean, std) -> the float32 NCHW tensor (NAME.f32, little-endian; small cases),
which the TypeScript preprocessing must reproduce bit for bit. Also Image.resize with a fractional
source box (BOX_CASES), as used to draw an overlay over the region a centre crop covers. Cases cover downscaling by non-integer
factors (antialiasing), upscaling, one axis unchanged, and centre crops whose offset is a half
(Python's round-half-to-even).
"""
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

OUT = Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'images' / 'preprocess'
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def source(width: int, height: int, seed: int) -> np.ndarray:
    """Detail at every scale: noise, a checkerboard of 3-pixel cells and smooth gradients."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.stack([xx * 255 // width, yy * 255 // height, ((xx // 3 + yy // 3) % 2) * 200], axis=-1)
    img = img + rng.integers(-40, 41, size=img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def cases():
    # (name, source name, resize argument, crop or None)
    return [
        ('stretch-32x24', 'landscape', (24, 32), None),
        ('stretch-50x40', 'landscape', (40, 50), None),          # width down, height up
        ('stretch-150x90', 'landscape', (90, 150), None),        # both up
        ('stretch-97x20', 'landscape', (20, 97), None),          # width unchanged
        ('shorter40-crop32', 'landscape', 40, (32, 32)),         # 63x40, left round(15.5) = 16
        ('shorter32-crop32', 'landscape', 32, (32, 32)),         # 50x32
        ('shorter35-crop32-portrait', 'portrait', 35, (32, 32)),  # 35x55, top round(11.5) = 12
        ('shorter33-crop32-portrait', 'portrait', 33, (32, 32)),  # 33x52, left round(0.5) = 0
    ]


# Image.resize(size, BILINEAR, box=(x0, y0, x1, y1)): how an overlay's background is cut from the image
BOX_CASES = [
    ('box-down-40x30', (40, 30), (10.5, 5.25, 70.75, 50.5)),
    ('box-up-90x70', (90, 70), (3.3, 7.9, 40.1, 35.6)),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sources = {'landscape': source(97, 61, 1), 'portrait': source(61, 97, 2)}
    for name, pixels in sources.items():
        (OUT / f'{name}.rgb').write_bytes(pixels.tobytes())
    index = []
    for name, src, size, crop in cases():
        steps = [transforms.Resize(size, interpolation=transforms.InterpolationMode.BILINEAR)]
        if crop:
            steps.append(transforms.CenterCrop(crop))
        image = transforms.Compose(steps)(Image.fromarray(sources[src]))
        tensor = transforms.Normalize(MEAN, STD)(transforms.ToTensor()(image))
        assert tensor.dtype == torch.float32
        (OUT / f'{name}.rgb').write_bytes(np.asarray(image).tobytes())
        h, w = crop if crop else size
        has_tensor = w * h <= 1600  # the float step is a per-byte table: a few small cases check it fully
        if has_tensor:
            (OUT / f'{name}.f32').write_bytes(tensor.numpy().astype('<f4').tobytes())
        index.append(dict(name=name, source=src, sourceWidth=sources[src].shape[1], sourceHeight=sources[src].shape[0],
                          width=w, height=h, resize='shorter-side' if crop else 'stretch',
                          crop='center' if crop else 'none', resizeShorterTo=size if crop else None,
                          mean=MEAN, std=STD, tensor=has_tensor))
    boxes = []
    for name, size, box in BOX_CASES:
        image = Image.fromarray(sources['landscape']).resize(size, Image.BILINEAR, box=box)
        (OUT / f'{name}.rgb').write_bytes(np.asarray(image).tobytes())
        boxes.append(dict(name=name, source='landscape', width=size[0], height=size[1], box=box))
    (OUT / 'index.json').write_text(json.dumps(dict(cases=index, boxes=boxes), indent=1) + '\n')
    print(f'{len(index)} cases in {OUT}')


if __name__ == '__main__':
    main()
