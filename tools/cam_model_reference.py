#!/usr/bin/python3
"""Reference maps for the CAM methods that run the model again: Score-CAM and Smooth Grad-CAM++.

Writes test/fixtures/cam/model/<case>.json (+ .bin tensors) for the prepared fixtures the TypeScript tests run
in onnxruntime-web. The oracle is PyTorch in float64 with the fixture's own weights, read from its ONNX file:
- tiny: the hand-prepared test/fixtures/prepared/tiny.onnx (conv-relu-conv-relu-GAP-fc), layers relu2 and relu1;
- mobilenet_v2: tools/make_fixtures.py's model with the weights of test/fixtures/models/mobilenet_v2/model.onnx
  (the source of test/fixtures/prepared/mobilenet_v2.onnx), default layer (128 channels: the Score-CAM cap applies).
The input is test/fixtures/models/mobilenet_v2/input.bin (1x3x64x64, ImageNet-normalised); the class is
the top-1 class of the clean input. Conventions: tools/README.md ("cam_model_reference.py").

    nice /usr/bin/python3 tools/cam_model_reference.py [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from torch import nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "test", "fixtures")
DEFAULT_OUT = os.path.join(FIXTURES, "cam", "model")

SCORECAM_MAX_CHANNELS = 32  # src/cam/score-cam.ts
SCORECAM_EPS = 1e-8  # pytorch-grad-cam score_cam.py
GRADCAM_PP_EPS = 1e-6
NOISE_SEED = 0  # src/cam/noise.ts
SMOOTH_N = 4
SMOOTH_SIGMA = 0.15


# ---- the noise generator of src/cam/noise.ts, bit for bit ------------------------------------------------

def mulberry32(seed: int):
    a = seed & 0xFFFFFFFF
    mask = 0xFFFFFFFF
    imul = lambda x, y: (x * y) & mask
    while True:
        a = (a + 0x6D2B79F5) & mask
        t = imul(a ^ (a >> 15), a | 1)
        t = ((t + imul(t ^ (t >> 7), t | 61)) & mask) ^ t
        yield ((t ^ (t >> 14)) & mask) / 4294967296.0


def gaussian_noise(count: int, seed: int) -> np.ndarray:
    """Box-Muller on mulberry32: r = sqrt(-2 ln(1 - u1)), values r cos(2 pi u2), r sin(2 pi u2)."""
    stream = mulberry32(seed)
    out = np.empty(count, dtype=np.float64)
    for i in range(0, count, 2):
        r = math.sqrt(-2.0 * math.log(1.0 - next(stream)))
        angle = 2.0 * math.pi * next(stream)
        out[i] = r * math.cos(angle)
        if i + 1 < count:
            out[i + 1] = r * math.sin(angle)
    return out


# ---- models: forward(x) -> (logits, {layer: activation}) -------------------------------------------------

class Tiny(nn.Module):
    """tools/make_service_fixtures.py's TinyPrepared, its closed-form gradient outputs ignored."""

    def __init__(self):
        super().__init__()
        import make_service_fixtures  # noqa: E402 (tools/ on sys.path)
        self.net = make_service_fixtures.TinyPrepared()

    def forward(self, x):
        logits, a1, _, a2, _ = self.net(x, torch.zeros(x.shape[0], 10, dtype=x.dtype))
        return logits, {"relu1": a1, "relu2": a2}


class MobileNet(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.model = net

    def forward(self, x):
        a = self.model.features(x)
        logits = self.model.classifier(torch.flatten(F.adaptive_avg_pool2d(a, 1), 1))
        return logits, {"layer_default": a}


def load_onnx_weights(module: nn.Module, path: str) -> None:
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(path).graph.initializer}
    state = module.state_dict()
    missing = [k for k in state if k not in weights and not k.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"{path}: no initializer for {missing[:5]}")
    module.load_state_dict({k: weights.get(k, v) for k, v in state.items()})


def tiny_model() -> nn.Module:
    model = Tiny()
    load_onnx_weights(model.net, os.path.join(FIXTURES, "prepared", "tiny.onnx"))
    return model


def mobilenet_model() -> nn.Module:
    import make_fixtures  # noqa: E402 (tools/ on sys.path)
    model = MobileNet(make_fixtures.mobilenet_v2())
    load_onnx_weights(model, os.path.join(FIXTURES, "models", "mobilenet_v2", "model.onnx"))
    return model


# ---- the methods ------------------------------------------------------------------------------------------

def score_cam(model: nn.Module, x: torch.Tensor, layer: str, cls: int) -> Dict[str, object]:
    """pytorch-grad-cam ScoreCAM over the top-mean channels (the cap), masks in float64, inputs rounded to float32."""
    with torch.no_grad():
        a = model(x)[1][layer][0]
    c, h, w = a.shape
    means = a.mean(dim=(1, 2)).numpy()
    channels = sorted(range(c), key=lambda i: (-means[i], i))[:SCORECAM_MAX_CHANNELS]
    up = F.interpolate(a[channels][None], size=x.shape[-2:], mode="bilinear", align_corners=True)[0]
    lo = up.flatten(1).min(1)[0][:, None, None]
    hi = up.flatten(1).max(1)[0][:, None, None]
    masks = (up - lo) / (hi - lo + SCORECAM_EPS)
    masked = (x[0][None] * masks[:, None]).float().double()
    with torch.no_grad():
        scores = model(masked)[0][:, cls]
    weights = torch.softmax(scores, 0)
    full = torch.zeros(c, dtype=torch.float64)
    full[channels] = weights
    cam = (full[:, None, None] * a).sum(0)
    return {"channels": channels, "scores": scores.tolist(), "weights": full.tolist(), "cam": flat(cam),
            "map": flat(cam.clamp(min=0))}, a


def noisy_copies(x: torch.Tensor, n: int, sigma: float) -> torch.Tensor:
    """src/cam/smooth-grad-cam-plus-plus.ts noisyCopies: x + sigma (max - min) z, rounded to float32."""
    flat_x = x[0].numpy().ravel()
    std = sigma * (flat_x.max() - flat_x.min())
    z = gaussian_noise(n * flat_x.size, NOISE_SEED).reshape(n, -1)
    copies = (flat_x[None, :] + std * z).astype(np.float32).astype(np.float64)
    return torch.from_numpy(copies.reshape((n,) + tuple(x.shape[1:])))


def smooth_gradcam_pp(model: nn.Module, x: torch.Tensor, layer: str, cls: int) -> Tuple[Dict[str, object], np.ndarray]:
    """Omeiza et al. 2019: Grad-CAM++ with G, G^2, G^3 averaged over noisy copies; A of the clean input.

    The map is computed from A and the n gradients rounded to float32 (the files the test reads), so that
    the TypeScript combination can be checked to 1e-5 on the same numbers.
    """
    copies = noisy_copies(x, SMOOTH_N, SMOOTH_SIGMA)
    logits, acts = model(copies)
    grads = torch.autograd.grad(logits[:, cls].sum(), acts[layer])[0]
    with torch.no_grad():
        a = model(x)[1][layer][0]
    a32 = a.float().double()
    g32 = grads.float().double()
    d1, d2, d3 = g32.mean(0), (g32 ** 2).mean(0), (g32 ** 3).mean(0)
    sum_a = a32.sum(dim=(1, 2))[:, None, None]
    alpha = torch.where(d2 != 0, d2 / (2 * d2 + sum_a * d3 + GRADCAM_PP_EPS), torch.zeros_like(d2))
    weights = (alpha * d1.clamp(min=0)).sum(dim=(1, 2))
    cam = (weights[:, None, None] * a32).sum(0)
    entry = {"n": SMOOTH_N, "sigma": SMOOTH_SIGMA, "seed": NOISE_SEED, "weights": flat(weights), "cam": flat(cam),
             "map": flat(cam.clamp(min=0))}
    return entry, grads.float().numpy()


def flat(t) -> List[float]:
    return [float(v) for v in np.asarray(t, dtype=np.float64).ravel()]


# ---- cases -------------------------------------------------------------------------------------------------

CASES: List[Tuple[str, str, Callable[[], nn.Module], str]] = [
    # (case, prepared fixture, model, layer)
    ("tiny.relu2", "prepared/tiny", tiny_model, "relu2"),
    ("tiny.relu1", "prepared/tiny", tiny_model, "relu1"),
    ("mobilenet_v2.default", "prepared/mobilenet_v2", mobilenet_model, "layer_default"),
]


def write_case(out_dir: str, name: str, prepared: str, build: Callable[[], nn.Module], layer: str, x32: np.ndarray) -> str:
    torch.manual_seed(0)
    model = build().double().eval()
    x = torch.from_numpy(x32.astype(np.float64))
    with torch.no_grad():
        logits, acts = model(x)
    cls = int(logits[0].argmax())
    score, a = score_cam(model, x, layer, cls)
    smooth, grads = smooth_gradcam_pp(model, x, layer, cls)
    a.float().numpy().astype("<f4").tofile(os.path.join(out_dir, f"{name}.activation.bin"))
    grads.astype("<f4").tofile(os.path.join(out_dir, f"{name}.gradients.bin"))
    doc = {
        "format": "gradcam-edge-cam-model-reference/1",
        "generator": "tools/cam_model_reference.py",
        "case": name,
        "model": f"../../{prepared}",
        "layer": layer,
        "input": "../../models/mobilenet_v2/input.bin",
        "class": cls,
        "logits": flat(logits[0]),
        "shape": list(a.shape),
        "activation": f"{name}.activation.bin",
        "gradients": {"file": f"{name}.gradients.bin", "shape": list(grads.shape)},
        "noise": {"seed": NOISE_SEED, "first": flat(gaussian_noise(8, NOISE_SEED))},
        "methods": {"scorecam": score, "smoothgradcam++": smooth},
    }
    path = os.path.join(out_dir, f"{name}.json")
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    return f"{name:24s} class {cls}  A {list(a.shape)}  scorecam channels {len(score['channels'])}"


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    x32 = np.fromfile(os.path.join(FIXTURES, "models", "mobilenet_v2", "input.bin"), dtype="<f4").reshape(1, 3, 64, 64)
    for case in CASES:
        print(write_case(args.out, *case, x32))
    print(f"{len(CASES)} cases, {time.time() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
