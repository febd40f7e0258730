#!/usr/bin/python3
"""The PyTorch side of `npm run bench:zoo`: torchvision classifiers with random weights, exported to ONNX, and a
hook-based Grad-CAM reference timed on 2 threads.

    /usr/bin/python3 tools/bench_zoo.py export [--out build/zoo] [--only NAME ...]
    /usr/bin/python3 tools/bench_zoo.py serve  [--only NAME ...]

`export` writes build/zoo/<name>.onnx (build/ is git-ignored; nothing here is committed) at 1x3x224x224,
opset 17, random weights (torchvision's default initialisation, then non-trivial BatchNorm/LayerNorm
statistics as in tools/torch_fixture.py), deterministic per name.

`serve` is driven by bench/zoo.bench.ts so that the PyTorch rounds interleave with the workerd rounds of the
same run: it reads lines `gradcam <name> <class or -1>` from stdin and answers each with one line, the
milliseconds of one Grad-CAM. What one Grad-CAM is here is what pytorch-grad-cam's `GradCAM` does per call:
a forward hook on the target layer keeps the activation and registers a tensor hook for its gradient, the
forward pass runs with autograd on, the target's score (top-1 when no class is given) is back-propagated
(model.zero_grad() first), the channel weights are the spatial means of the gradient, the map is
ReLU(sum_c w_c A_c), resized bilinearly to the input and scaled to [0, 1]. Input: an already preprocessed
tensor (no image decoding or PNG encoding on this side). torch.set_num_threads(2).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, Dict, Sequence, Tuple

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_fixture as tf  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "build", "zoo")
OPSET = 17

# name -> (constructor, target layer: the module whose output pytorch-grad-cam users hook, the same tensor
# `prepare` picks by default)
MODELS: Dict[str, Tuple[Callable[..., torch.nn.Module], str]] = {
    "mobilenet_v2": (torchvision.models.mobilenet_v2, "features"),
    "resnet18": (torchvision.models.resnet18, "layer4"),
    "resnet50": (torchvision.models.resnet50, "layer4"),
    "efficientnet_b0": (torchvision.models.efficientnet_b0, "features"),
    "convnext_tiny": (torchvision.models.convnext_tiny, "features"),
}


def build(name: str) -> torch.nn.Module:
    """The model with deterministic random weights, in eval mode."""
    torch.manual_seed(11)
    gen = torch.Generator().manual_seed(11)
    model = MODELS[name][0](weights=None)
    tf.randomize_normalization(model, gen)
    tf.disable_inplace(model)
    return model.eval()


def export(names: Sequence[str], out: str) -> None:
    os.makedirs(out, exist_ok=True)
    for name in names:
        path = os.path.join(out, f"{name}.onnx")
        started = time.time()
        model = build(name)
        x = torch.zeros(1, 3, 224, 224)
        torch.onnx.export(model, x, path, opset_version=OPSET, input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
        print(f"{name}: {os.path.getsize(path) / 1e6:.1f} MB, {time.time() - started:.1f} s", flush=True)


class HookGradCam:
    """pytorch-grad-cam's GradCAM, reduced to what it computes per call (forward and backward hooks)."""

    def __init__(self, model: torch.nn.Module, layer: str):
        self.model = model
        self.activation: torch.Tensor | None = None
        self.gradient: torch.Tensor | None = None
        model.get_submodule(layer).register_forward_hook(self._keep)

    def _keep(self, _module, _inputs, output: torch.Tensor) -> None:
        self.activation = output.detach()

        def keep_gradient(grad: torch.Tensor) -> None:
            self.gradient = grad.detach()

        output.register_hook(keep_gradient)

    def __call__(self, x: torch.Tensor, class_index: int) -> torch.Tensor:
        logits = self.model(x)
        target = int(logits[0].argmax()) if class_index < 0 else class_index
        self.model.zero_grad()
        logits[0, target].backward()
        weights = self.gradient.mean(dim=(2, 3), keepdim=True)
        cam = torch.relu((weights * self.activation).sum(dim=1, keepdim=True))
        cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]
        cam = cam - cam.min()
        return cam / (cam.max() + 1e-7)


def serve(names: Sequence[str]) -> None:
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(5)
    x = tf.image_like_input(224, 224, gen)
    cams = {name: HookGradCam(build(name), MODELS[name][1]) for name in names}
    print("ready", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            return
        _, name, cls = parts
        started = time.perf_counter()
        cams[name](x, int(cls))
        print(f"{(time.perf_counter() - started) * 1000:.3f}", flush=True)


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["export", "serve"])
    parser.add_argument("--only", nargs="*", choices=list(MODELS))
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    names = args.only or list(MODELS)
    if args.command == "export":
        export(names, args.out)
    else:
        serve(names)


if __name__ == "__main__":
    main(sys.argv[1:])
