#!/usr/bin/python3
"""Reference renders of CAM maps with pytorch-grad-cam's pipeline, for test/fixtures/render/.

Run: /usr/bin/python3 tools/render_reference.py   (needs python3-opencv, python3-numpy)

pytorch-grad-cam is not packaged for Debian, so its three functions involved are restated below
with the same numpy/OpenCV calls in the same order (jacobgil/pytorch-grad-cam,
pytorch_grad_cam/utils/image.py and base_cam.py):
  scale_cam_image(cam, target_size): img - min; / (1e-7 + max); cv2.resize(float32, target_size)
  BaseCAM.aggregate_multi_layers: concatenate layers, np.maximum(., 0), mean over layers, scale_cam_image
  show_cam_on_image(img, mask, use_rgb=True, colormap, image_weight): applyColorMap(uint8(255 * mask)),
    BGR -> RGB, float32 / 255, (1 - w) * heat + w * img, / max, uint8(255 * .)
Inputs are non-negative float32 maps (the CAM method applies the ReLU), including ties, an all-zero
map, a single spike and a two-layer case; outputs are rendered at sizes with non-integer scale factors.

Writes, for each case NAME: NAME.map<i>.f32 (input maps, little-endian float32, row-major), NAME.image.png
(the RGB image under the overlay, at the output size), NAME.unit.f32 (the final [0, 1] map, small
cases only) and one PNG
per render; index.json describes them. Also colormaps.rgb: each OpenCV colormap applied to 0..255.
"""
import json
from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'render'
COLORMAPS = {'jet': cv2.COLORMAP_JET, 'turbo': cv2.COLORMAP_TURBO, 'viridis': cv2.COLORMAP_VIRIDIS,
             'inferno': cv2.COLORMAP_INFERNO}


def scale_cam_image(cam, target_size=None):
    result = []
    for img in cam:
        img = img - np.min(img)
        img = img / (1e-7 + np.max(img))
        if target_size is not None:
            img = cv2.resize(np.float32(img), target_size)
        result.append(img)
    return np.float32(result)


def grad_cam_output(layer_maps, width, height):
    """What GradCAM(...)(input) returns for one image: per layer scaled + resized, then aggregated."""
    per_layer = [scale_cam_image(m[None, :, :], (width, height))[:, None, :] for m in layer_maps]
    stacked = np.maximum(np.concatenate(per_layer, axis=1), 0)
    return scale_cam_image(np.mean(stacked, axis=1))[0]


def show_cam_on_image(img, mask, colormap, image_weight):
    heatmap = cv2.applyColorMap(np.uint8(255 * mask), colormap)
    heatmap = cv2.cvtColor(heatmap, cv2.COLOR_BGR2RGB)
    heatmap = np.float32(heatmap) / 255
    cam = (1 - image_weight) * heatmap + image_weight * img
    cam = cam / np.max(cam)
    return np.uint8(255 * cam)


def heatmap_only(mask, colormap):
    return cv2.cvtColor(cv2.applyColorMap(np.uint8(255 * mask), colormap), cv2.COLOR_BGR2RGB)


def gray_overlay(img, mask, image_weight):
    """The 'gray' colormap: the uint8 level itself as the heat colour, same blend."""
    level = np.uint8(255 * mask)
    heat = np.float32(np.repeat(level[:, :, None], 3, axis=2)) / 255
    cam = (1 - image_weight) * heat + image_weight * img
    return np.uint8(255 * (cam / np.max(cam)))


def maps(rng):
    yy, xx = np.mgrid[0:7, 0:7]
    blobs = np.exp(-((xx - 4.6) ** 2 + (yy - 2.2) ** 2) / 3) + 0.6 * np.exp(-((xx - 1) ** 2 + (yy - 5) ** 2) / 2)
    ties = np.array([[0, 1, 1, 0, 2], [2, 2, 0, 0, 2], [0, 0, 1, 1, 1], [3, 3, 0, 3, 0], [0, 1, 2, 3, 3]], float)
    y6, x10 = np.mgrid[0:6, 0:10]
    smooth = np.maximum(np.sin(x10 / 2.0) * np.cos(y6 / 3.0), 0) * 5.3
    spike = np.zeros((3, 4))
    spike[1, 2] = 0.0173
    fine = np.maximum(rng.normal(size=(14, 14)), 0)
    return {
        'blobs7': [blobs + 0.05 * rng.random((7, 7))],
        'ties5': [ties],
        'smooth10x6': [smooth],
        'zeros7': [np.zeros((7, 7))],
        'spike4x3': [spike],
        'layers7and14': [blobs, fine],
    }


def base_image(width, height):
    """A picture with gradients, edges and a dark and a bright patch (so the division by max matters)."""
    yy, xx = np.mgrid[0:height, 0:width]
    img = np.stack([xx * 200 // width + 30, yy * 180 // height + 40, (xx + yy) * 90 // (width + height) + 60], -1)
    img[height // 5: height // 2, width // 6: width // 2] = (235, 230, 220)
    img[2 * height // 3:, 2 * width // 3:] = (10, 15, 30)
    return img.astype(np.uint8)


CASES = [
    # name, output width, height, renders: (kind, colormap, image weight)
    ('blobs7', 224, 224, [('overlay', 'jet', 0.5), ('heatmap', 'jet', None), ('overlay', 'turbo', 0.3)]),
    ('ties5', 97, 73, [('overlay', 'jet', 0.5), ('heatmap', 'viridis', None)]),
    ('smooth10x6', 61, 43, [('overlay', 'jet', 0.5), ('overlay', 'inferno', 0.7), ('overlay', 'gray', 0.5)]),
    ('zeros7', 50, 40, [('overlay', 'jet', 0.5), ('heatmap', 'jet', None)]),
    ('spike4x3', 33, 100, [('overlay', 'jet', 0.5), ('heatmap', 'turbo', None)]),
    ('layers7and14', 64, 48, [('overlay', 'jet', 0.5)]),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    inputs = maps(rng)
    index = []
    for name, width, height, renders in CASES:
        layer_maps = [np.float32(m) for m in inputs[name]]
        for i, m in enumerate(layer_maps):
            (OUT / f'{name}.map{i}.f32').write_bytes(m.astype('<f4').tobytes())
        unit = grad_cam_output(layer_maps, width, height)
        has_unit = width * height <= 10_000  # keep the fixtures small
        if has_unit:
            (OUT / f'{name}.unit.f32').write_bytes(unit.astype('<f4').tobytes())
        rgb = base_image(width, height)
        cv2.imwrite(str(OUT / f'{name}.image.png'), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        img = np.float32(rgb) / 255
        outputs = []
        for kind, cmap, weight in renders:
            if kind == 'heatmap':
                out = heatmap_only(unit, COLORMAPS[cmap])
            elif cmap == 'gray':
                out = gray_overlay(img, unit, weight)
            else:
                out = show_cam_on_image(img, unit, COLORMAPS[cmap], weight)
            file = f'{name}.{kind}-{cmap}' + (f'-{weight}' if weight is not None else '') + '.png'
            cv2.imwrite(str(OUT / file), cv2.cvtColor(out, cv2.COLOR_RGB2BGR))
            outputs.append(dict(file=file, output=kind, colormap=cmap, alpha=weight))
        index.append(dict(name=name, width=width, height=height,
                          maps=[dict(file=f'{name}.map{i}.f32', width=m.shape[1], height=m.shape[0])
                                for i, m in enumerate(layer_maps)],
                          image=f'{name}.image.png', unit=f'{name}.unit.f32' if has_unit else None,
                          renders=outputs))
    ramp = np.arange(256, dtype=np.uint8).reshape(1, 256)
    strips = [cv2.cvtColor(cv2.applyColorMap(ramp, c), cv2.COLOR_BGR2RGB).reshape(-1) for c in COLORMAPS.values()]
    (OUT / 'colormaps.rgb').write_bytes(np.concatenate(strips).tobytes())
    (OUT / 'index.json').write_text(json.dumps(dict(colormaps=list(COLORMAPS), cases=index), indent=1) + '\n')
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f'{len(index)} cases, {total} bytes in {OUT}')


if __name__ == '__main__':
    main()
