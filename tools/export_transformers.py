#!/usr/bin/python3
"""Export full-size vision transformers and a channels-last-input CNN (random weights) to build/transformers/
for the layout checks and the benchmarks (not committed; build/ is gitignored).

Exported as a user would, with a plain torch.onnx.export (no named layers), opset 17, batch symbolic
(dynamic_axes) unless --static-batch:
- vit_b_16: torchvision `vit_b_16()` (86M parameters), 1x3x224x224;
- vit_s_16: torchvision `VisionTransformer` in the ViT-S/16 configuration (width 384, 12 blocks, 6 heads,
  MLP 1536: 22M parameters), 1x3x224x224;
- swin_t: torchvision `swin_t()` (28M parameters), 1x3x224x224;
- resnet18_nhwc: torchvision `resnet18()` behind `x.permute(0, 3, 1, 2)`, input 1x224x224x3 (Keras-like);
- vit_s_16_224x320: the ViT-S/16 configuration on a non-square 224x320 input (grid 14x20), with the position
  embedding sized for it.

    nice /usr/bin/python3 tools/export_transformers.py [--only NAME ...] [--out DIR] [--static-batch]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, Dict, Sequence, Tuple

import torch
import torchvision
from torch import nn
from torchvision.models.vision_transformer import VisionTransformer

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "build", "transformers")


class NonSquareViT(VisionTransformer):
    """torchvision's VisionTransformer on an H x W input (its own forward asserts a square input)."""

    def __init__(self, size: Tuple[int, int], **kw):
        super().__init__(image_size=size[0], **kw)
        self.size = size
        grid = (size[0] // self.patch_size) * (size[1] // self.patch_size)
        self.encoder.pos_embedding = nn.Parameter(torch.randn(1, grid + 1, self.hidden_dim) * 0.02)

    def _process_input(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        x = self.conv_proj(x)
        return x.reshape(n, self.hidden_dim, -1).permute(0, 2, 1)


class ChannelsLastInput(nn.Module):
    def __init__(self, model: nn.Module):
        super().__init__()
        self.m = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.m(x.permute(0, 3, 1, 2))


VIT_S = dict(patch_size=16, num_layers=12, num_heads=6, hidden_dim=384, mlp_dim=1536)
MODELS: Dict[str, Tuple[Callable[[], nn.Module], Tuple[int, ...]]] = {
    "vit_b_16": (torchvision.models.vit_b_16, (1, 3, 224, 224)),
    "vit_s_16": (lambda: VisionTransformer(image_size=224, **VIT_S), (1, 3, 224, 224)),
    "swin_t": (torchvision.models.swin_t, (1, 3, 224, 224)),
    "resnet18_nhwc": (lambda: ChannelsLastInput(torchvision.models.resnet18()), (1, 224, 224, 3)),
    "vit_s_16_224x320": (lambda: NonSquareViT((224, 320), **VIT_S), (1, 3, 224, 320)),
}


def export(name: str, out: str, static_batch: bool) -> None:
    started = time.time()
    torch.manual_seed(0)
    build, shape = MODELS[name]
    model = build().eval()
    with torch.no_grad():
        for m in model.modules():  # torchvision zero-initialises ViT heads: give the logits a spread
            if isinstance(m, nn.Linear) and float(m.weight.abs().max()) == 0.0:
                nn.init.normal_(m.weight, 0.0, 0.02)
    x = torch.randn(*shape)
    path = os.path.join(out, f"{name}{'_static' if static_batch else ''}.onnx")
    dynamic = None if static_batch else {"input": {0: "N"}, "logits": {0: "N"}}
    torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["logits"],
                      dynamic_axes=dynamic, do_constant_folding=True)
    params = sum(p.numel() for p in model.parameters())
    print(f"{path}: {params / 1e6:.1f}M parameters, {os.path.getsize(path) / 1e6:.1f} MB, {time.time() - started:.0f} s")


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(MODELS))
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--static-batch", action="store_true", help="bake batch 1 into the graph (no dynamic_axes)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or MODELS:
        export(name, args.out, args.static_batch)


if __name__ == "__main__":
    main(sys.argv[1:])
