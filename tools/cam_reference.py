#!/usr/bin/python3
"""Reference CAM maps (numpy, float64) for the TypeScript CAM methods: test/fixtures/cam/<case>.json.

Written from the formulas of /work/shared/CAM-METHODS.md and the papers, following the conventions of
jacobgil/pytorch-grad-cam (ReLU on the summed map, the same epsilons). Inputs are A and G of one image
(C x h x w): taken from the committed model fixtures (test/fixtures/models/) or synthetic. For every
method the case stores the map before normalisation at layer resolution (pre- and post-ReLU), the
channel weights where the method has them, and the min-max normalised map. Conventions: tools/README.md.

    nice /usr/bin/python3 tools/cam_reference.py [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS_DIR = os.path.join(REPO, "test", "fixtures", "models")
DEFAULT_OUT = os.path.join(REPO, "test", "fixtures", "cam")

GRADCAM_PP_EPS = 1e-6  # pytorch-grad-cam grad_cam_plusplus.py
XGRADCAM_EPS = 1e-7  # pytorch-grad-cam xgrad_cam.py
NORMALIZE_EPS = 1e-7  # pytorch-grad-cam scale_cam_image: (x - min) / (max(x - min) + 1e-7)

# A method returns (channel weights or None, map before ReLU, details or None); all float64.
Result = Tuple[Optional[np.ndarray], np.ndarray, Optional[Dict[str, object]]]


def weighted_sum(weights: np.ndarray, a: np.ndarray) -> np.ndarray:
    """sum_c w_c A_c -> h x w."""
    return np.tensordot(weights, a, axes=(0, 0))


def gradcam(a: np.ndarray, g: np.ndarray) -> Result:
    """Grad-CAM (Selvaraju et al. 2017, eq. 1-2): w_c = mean_ij G_c."""
    w = g.mean(axis=(1, 2))
    return w, weighted_sum(w, a), None


def gradcam_plus_plus(a: np.ndarray, g: np.ndarray) -> Result:
    """Grad-CAM++ (Chattopadhyay et al. 2018, eq. 19 with exp-free scores, as pytorch-grad-cam)."""
    g2, g3 = g**2, g**3
    sum_a = a.sum(axis=(1, 2))[:, None, None]
    alpha = g2 / (2.0 * g2 + sum_a * g3 + GRADCAM_PP_EPS)
    alpha = np.where(g != 0, alpha, 0.0)
    w = (alpha * np.maximum(g, 0.0)).sum(axis=(1, 2))
    return w, weighted_sum(w, a), None


def hirescam(a: np.ndarray, g: np.ndarray) -> Result:
    """HiResCAM (Draelos & Carin 2020): sum_c G_c * A_c, element-wise (no spatial averaging)."""
    return None, (g * a).sum(axis=0), None


def xgradcam(a: np.ndarray, g: np.ndarray) -> Result:
    """XGrad-CAM (Fu et al. 2020, eq. 8): w_c = sum_ij(G_c A_c) / (sum_ij A_c + eps)."""
    w = (g * a).sum(axis=(1, 2)) / (a.sum(axis=(1, 2)) + XGRADCAM_EPS)
    return w, weighted_sum(w, a), None


def layercam(a: np.ndarray, g: np.ndarray) -> Result:
    """LayerCAM (Jiang et al. 2021, eq. 5-6): sum_c ReLU(G_c) * A_c."""
    return None, (np.maximum(g, 0.0) * a).sum(axis=0), None


def eigencam(a: np.ndarray, g: np.ndarray) -> Result:
    """Eigen-CAM (Muhammad & Yeasin 2020): projection of channel-centred A on its first principal axis."""
    return None, *principal_projection(a)


def eigengradcam(a: np.ndarray, g: np.ndarray) -> Result:
    """EigenGrad-CAM (pytorch-grad-cam): Eigen-CAM applied to G * A."""
    return None, *principal_projection(g * a)


def normgrad(a: np.ndarray, g: np.ndarray) -> Result:
    """NormGrad (Rebuffi et al. 2020), scaling variant: ||A_:ij||_2 * ||G_:ij||_2 over channels."""
    return None, np.linalg.norm(a, axis=0) * np.linalg.norm(g, axis=0), None


def principal_projection(x: np.ndarray) -> Tuple[np.ndarray, Dict[str, object]]:
    """Project the (positions x channels) matrix, centred per channel, on its first right singular vector.

    The SVD's sign is arbitrary; it is fixed so that the projection correlates positively with the
    channel-mean of x (uncentred) over positions; if that covariance is exactly 0, so that the entry of
    largest magnitude is positive.
    """
    c, h, w = x.shape
    m = x.reshape(c, h * w).T
    centred = m - m.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    p = centred @ vt[0]
    mean_map = m.mean(axis=1)
    cov = float(np.dot(p - p.mean(), mean_map - mean_map.mean()))
    if cov < 0 or (cov == 0 and p[np.argmax(np.abs(p))] < 0):
        p, cov = -p, -cov
    norms = float(np.linalg.norm(p - p.mean()) * np.linalg.norm(mean_map - mean_map.mean()))
    details = {"singular_values": [float(s) for s in singular[:2]], "sign_correlation": cov / norms if norms else 0.0}
    return p.reshape(h, w), details


METHODS: Dict[str, Callable[[np.ndarray, np.ndarray], Result]] = {
    "gradcam": gradcam,
    "gradcam++": gradcam_plus_plus,
    "hirescam": hirescam,
    "xgradcam": xgradcam,
    "layercam": layercam,
    "eigencam": eigencam,
    "eigengradcam": eigengradcam,
    "normgrad": normgrad,
}


def normalize(cam: np.ndarray) -> np.ndarray:
    """pytorch-grad-cam scale_cam_image without the resize."""
    shifted = cam - cam.min()
    return shifted / (shifted.max() + NORMALIZE_EPS)


def run_methods(a: np.ndarray, g: np.ndarray) -> Dict[str, object]:
    out = {}
    for name, method in METHODS.items():
        weights, cam, details = method(a, g)
        relu = np.maximum(cam, 0.0)
        entry = {
            "weights": None if weights is None else flat(weights),
            "cam": flat(cam),
            "map": flat(relu),
            "normalized": flat(normalize(relu)),
        }
        if details:
            entry.update(details)
        out[name] = entry
    return out


def flat(x: np.ndarray) -> List[float]:
    return [float(v) for v in np.asarray(x, dtype=np.float64).ravel()]


# ---- cases ------------------------------------------------------------------------------------------

FIXTURE_CASES = [
    # (fixture, layer role, seed index, why)
    ("resnet_basic", "default", 0, "non-negative A (after ReLU), one-hot seed"),
    ("mobilenet_v2", "default", 0, "ReLU6 output, BatchNormalization kept in the graph"),
    ("convnext_ln17", "default", 0, "A with negative values (no final ReLU)"),
    ("squeezenet", "default", 0, "one-hot through GAP: G non-zero in one channel only"),
    ("densenet", "mid", 1, "earlier layer, dense random seed"),
    ("efficientnet", "default", 1, "SiLU output (slightly negative values), dense seed"),
]


def fixture_case(name: str, role: str, seed: int, why: str, out_dir: str) -> Dict[str, object]:
    directory = os.path.join(MODELS_DIR, name)
    with open(os.path.join(directory, "fixture.json")) as f:
        doc = json.load(f)
    layer = next(l for l in doc["layers"] if l["role"] == role)
    shape = layer["shape"]
    read = lambda file: np.fromfile(os.path.join(directory, file), dtype="<f4").astype(np.float64)
    a = read(layer["activation"]).reshape(shape[1:])
    g = read(layer["gradients"][seed]).reshape(shape[1:])
    rel = lambda file: os.path.relpath(os.path.join(directory, file), out_dir)
    return {
        "case": f"{name}.{role}.seed{seed}",
        "description": why,
        "shape": shape[1:],
        "source": {
            "fixture": name,
            "tensor": layer["tensor"],
            "seed": seed,
            "activation": rel(layer["activation"]),
            "gradient": rel(layer["gradients"][seed]),
            "file_shape": shape,
        },
        "methods": run_methods(a, g),
    }


def synthetic_arrays(kind: str, rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray, str]:
    """Small float32-representable A and G (values rounded to float32 so TS reads them exactly)."""
    if kind == "mixed":
        a = rng.normal(0.3, 1.0, (6, 5, 4))
        g = rng.normal(0.0, 0.5, (6, 5, 4))
        g[2] = 0.0  # a channel with zero gradient
        a[4] = 0.0  # a dead channel (sum_ij A = 0: xgradcam divides by eps)
        g[rng.random(g.shape) < 0.15] = 0.0  # scattered exact zeros (gradcam++ alpha = 0)
        why = "negative activations, a zero-gradient channel, a dead channel, scattered zero gradients"
    elif kind == "relu":
        a = np.maximum(rng.normal(0.0, 1.0, (8, 4, 4)), 0.0)
        g = rng.normal(0.2, 1.0, (8, 4, 4)) * (rng.random((8, 4, 4)) < 0.5)
        why = "post-ReLU activations, sparse gradients of both signs"
    elif kind == "strip":
        a = rng.normal(1.0, 0.7, (3, 1, 7))
        g = rng.normal(-0.2, 0.4, (3, 1, 7))
        why = "1 x 7 map (non-square, one row), mostly negative gradients"
    else:
        raise ValueError(kind)
    return a.astype(np.float32), g.astype(np.float32), why


def synthetic_case(kind: str, seed: int) -> Dict[str, object]:
    a, g, why = synthetic_arrays(kind, np.random.default_rng(seed))
    return {
        "case": f"synthetic.{kind}",
        "description": why,
        "shape": list(a.shape),
        "source": {"activation": flat(a), "gradient": flat(g)},
        "methods": run_methods(a.astype(np.float64), g.astype(np.float64)),
    }


def write_case(out_dir: str, case: Dict[str, object]) -> int:
    path = os.path.join(out_dir, f"{case['case']}.json")
    with open(path, "w") as f:
        json.dump({"format": "gradcam-edge-cam-reference/1", "generator": "tools/cam_reference.py", **case}, f)
        f.write("\n")
    return os.path.getsize(path)


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    cases = [fixture_case(*spec, args.out) for spec in FIXTURE_CASES]
    cases += [synthetic_case(kind, seed) for kind, seed in [("mixed", 1), ("relu", 2), ("strip", 3)]]
    total = 0
    for case in cases:
        size = write_case(args.out, case)
        total += size
        eig = case["methods"]["eigencam"]
        ratio = eig["singular_values"][0] / max(eig["singular_values"][1], 1e-300)
        print(f"{case['case']:32s} {str(case['shape']):14s} {size / 1e3:6.1f} kB  eigencam s1/s2 {ratio:.2f}, "
              f"sign correlation {eig['sign_correlation']:.3f}, eigengradcam sign correlation "
              f"{case['methods']['eigengradcam']['sign_correlation']:.3f}")
    print(f"{len(cases)} cases, {total / 1e3:.0f} kB, {time.time() - started:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
