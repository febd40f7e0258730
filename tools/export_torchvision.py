#!/usr/bin/python3
"""Export full-size torchvision classifiers (random weights) to build/torchvision/ for benchmarks and int8 checks.

Writes build/torchvision/<name>.onnx (not committed; build/ is gitignored) for resnet18, mobilenet_v2 and
resnet50 at 1x3x224x224, with the default Grad-CAM layer named `layer_default` as an intermediate tensor.
For resnet18 and mobilenet_v2 it also writes one PyTorch-autograd reference set in the fixture format of
tools/README.md under build/torchvision/<name>/ (input, logits, two seeds, A and G of the default layer;
fixture.json's "onnx" is "../<name>.onnx"). Weights: torchvision's default initialisation plus the same
BatchNorm/LayerNorm randomisation as the committed fixtures; deterministic.

    nice /usr/bin/python3 tools/export_torchvision.py [--only NAME ...] [--out DIR] [--opset N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Sequence

import onnx
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_fixture as tf  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "build", "torchvision")

# name -> (constructor, default layer module, opset, write a reference set)
MODELS = {
    "resnet18": (torchvision.models.resnet18, "layer4", 13, True),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, "features", 17, True),
    "resnet50": (torchvision.models.resnet50, "layer4", 13, False),
}


def export_one(name: str, out_root: str, opset_override: int | None) -> None:
    build, layer, opset, with_reference = MODELS[name]
    opset = opset_override or opset
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(7)
    model = build(weights=None)
    tf.randomize_normalization(model, gen)
    tf.disable_inplace(model)
    model.eval()
    taps = [tf.Tap("layer_default", "default", layer)]
    wrapper = tf.TappedModel(model, taps).eval()
    x = tf.image_like_input(224, 224, gen)

    started = time.time()
    proto = tf.export_onnx(wrapper, x, opset, keep_batchnorm=False)
    onnx_path = os.path.join(out_root, f"{name}.onnx")
    onnx.save(proto, onnx_path)
    export_s = time.time() - started
    ops = " ".join(f"{k}:{v}" for k, v in tf.op_type_counts(proto).items())
    print(f"== {name}: opset {opset}, {os.path.getsize(onnx_path) / 1e6:.1f} MB, export {export_s:.1f} s, "
          f"layer {taps[0].tensor} ({layer})")
    print(f"   ops: {ops}")
    if not with_reference:
        return

    started = time.time()
    with torch.no_grad():
        logits = wrapper(x)[0]
    seeds = tf.make_seeds(logits, gen)
    ref = tf.autograd_reference(wrapper, x, seeds)
    extra = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "generator": "tools/export_torchvision.py",
        "parameters": sum(p.numel() for p in model.parameters()),
        "op_types": tf.op_type_counts(proto),
        "notes": f"full-size torchvision {name}, random weights",
    }
    doc = tf.write_fixture(os.path.join(out_root, name), name, f"../{name}.onnx", opset, x, seeds, taps, ref, extra)
    fp32 = max(doc["layers"][0]["torch_fp32_rel_l2"])
    print(f"   reference: A {doc['layers'][0]['shape']}, top1 {doc['top1']}, fp32+fp64 autograd "
          f"{time.time() - started:.1f} s, torch-fp32 rel L2 of G {fp32:.1e}")


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(MODELS), help="models to export")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--opset", type=int, help="override every model's opset (13..17)")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    started = time.time()
    for name in args.only or list(MODELS):
        export_one(name, args.out, args.opset)
    print(f"total {time.time() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
