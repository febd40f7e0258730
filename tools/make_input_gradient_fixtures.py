#!/usr/bin/python3
"""PyTorch-autograd oracles for gradients down to the pixels: dS/dx (saliency) and Guided Backprop.

For some of the fixtures of tools/make_fixtures.py (rebuilt here with the same seeds, so the weights are the
committed model.onnx's; checked by comparing the logits with the committed logits.bin), writes into
test/fixtures/models/<name>/:
  input.grad<i>.bin    plain  d(sum_k seed_k * logit_k)/dx, float64 autograd stored as float32, [1, 3, H, W]
  input.guided<i>.bin  Guided Backprop (Springenberg et al. 2015): every ReLU / ReLU6 passes back only the
                       positive part of its incoming gradient, where its input is in the op's linear range
  input-gradients.json the list of those files per seed (seed<i>.bin of fixture.json)
The guided rule is written here as torch.autograd.Function replacements of nn.ReLU and nn.ReLU6 (not as
hooks), so the oracle is independent of the TypeScript rules it checks. Deterministic.

    nice /usr/bin/python3 tools/make_input_gradient_fixtures.py [--only NAME ...]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402
import torch_fixture as tf  # noqa: E402

# Fixtures whose ReLU-family activations are all nn.ReLU / nn.ReLU6 modules (guided rule applies to each).
CHOSEN = ("mobilenet_v2", "vgg_overlap")  # small inputs: the fixtures stay under their size budget


class _GuidedClamp(torch.autograd.Function):
    """y = clamp(x, lo, hi); backward: relu(dy) where lo < x < hi (x > lo for hi = inf), else 0."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        return x.clamp(min=lo, max=hi)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = (x > lo) & (x < hi)
        return dy.clamp(min=0) * inside.to(dy.dtype), None, None


class GuidedClamp(nn.Module):
    def __init__(self, lo: float, hi: float):
        super().__init__()
        self.lo, self.hi = lo, hi

    def forward(self, x):
        return _GuidedClamp.apply(x, self.lo, self.hi)


def make_guided(module: nn.Module) -> int:
    """Replace every nn.ReLU / nn.ReLU6 submodule by its guided version; return how many."""
    count = 0
    for name, child in list(module.named_children()):
        if isinstance(child, nn.ReLU6):
            setattr(module, name, GuidedClamp(0.0, 6.0))
            count += 1
        elif isinstance(child, nn.ReLU):
            setattr(module, name, GuidedClamp(0.0, float("inf")))
            count += 1
        else:
            count += make_guided(child)
    return count


def rebuild(spec: mf.Spec) -> nn.Module:
    """The fixture's model with the same weights as make_fixtures.make_fixture produced."""
    torch.manual_seed(spec.seed)
    gen = torch.Generator().manual_seed(spec.seed)
    model = spec.build()
    tf.randomize_normalization(model, gen)
    tf.disable_inplace(model)
    return model.eval()


def input_gradient(model: nn.Module, x: np.ndarray, seed: np.ndarray) -> np.ndarray:
    xt = torch.from_numpy(x.astype(np.float64)).requires_grad_(True)
    logits = model.double()(xt)
    score = (logits * torch.from_numpy(seed.astype(np.float64))).sum()
    (grad,) = torch.autograd.grad(score, xt)
    return grad.detach().numpy()


def read(directory: str, entry: dict) -> np.ndarray:
    return np.fromfile(os.path.join(directory, entry["file"]), dtype="<f4").reshape(entry["shape"])


def make(spec: mf.Spec) -> None:
    directory = os.path.join(mf.DEFAULT_OUT, spec.name)
    with open(os.path.join(directory, "fixture.json")) as f:
        doc = json.load(f)
    x = read(directory, doc["input"])
    model = rebuild(spec)
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).numpy()
    committed = read(directory, doc["logits"])
    if not np.allclose(logits, committed, rtol=1e-4, atol=1e-5):
        raise RuntimeError(f"{spec.name}: rebuilt model's logits differ from the fixture's; rerun make_fixtures.py first")
    entries = []
    for i, seed_entry in enumerate(doc["seeds"]):
        seed = read(directory, seed_entry)
        plain = input_gradient(rebuild(spec), x, seed)
        guided_model = rebuild(spec)
        replaced = make_guided(guided_model)
        guided = input_gradient(guided_model, x, seed)
        entries.append({
            "seed": seed_entry["file"],
            "plain": tf.write_f32(directory, f"input.grad{i}.bin", plain),
            "guided": tf.write_f32(directory, f"input.guided{i}.bin", guided),
        })
    out = {"format": "gradcam-edge-input-gradients/1", "generator": "tools/make_input_gradient_fixtures.py",
           "input": doc["input"]["name"], "guided_modules": replaced, "seeds": entries}
    with open(os.path.join(directory, "input-gradients.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"{spec.name}: {replaced} ReLU-family modules guided, {len(entries)} seeds")


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="fixture names")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    for spec in mf.SPECS:
        if spec.name in CHOSEN and (not args.only or spec.name in args.only):
            make(spec)


if __name__ == "__main__":
    main(sys.argv[1:])
