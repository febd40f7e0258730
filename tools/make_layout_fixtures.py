#!/usr/bin/python3
"""Generate the committed layout fixtures in test/fixtures/layouts/<name>/: vision transformers and
channels-last networks whose explained layers are not NCHW, with PyTorch-autograd oracles.

Each fixture is a tiny random-weight model (torchvision's own VisionTransformer, Encoder and
SwinTransformer classes, a ResNet behind a channels-last input, a tf2onnx-style CNN), exported to ONNX
with its default layer (and for some a second layer) named, plus float64 references: logits, and for each
layer the activation A and G = d(sum_k seed_k * logit_k)/dA for two seeds, both brought to canonical NCHW
[1, C, h, w] by the reshape-transform reference pipeline (tokens: drop the P prefix tokens, reshape to
h x w x C, move C first; channels-last: move C first), and the Grad-CAM map of each seed computed from
them (w_c = mean over h, w of G; map = ReLU(sum_c w_c A_c)). Format: tools/README.md ("Layout
fixtures"). Deterministic (fixed seeds).

    nice /usr/bin/python3 tools/make_layout_fixtures.py [--only NAME ...] [--out DIR]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import onnx
import torch
import torchvision
import torch.nn.functional as F
from torch import nn
from torchvision.models.resnet import BasicBlock
from torchvision.models.swin_transformer import SwinTransformer
from torchvision.models.vision_transformer import Encoder, VisionTransformer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_fixture as tf  # noqa: E402
from make_fixtures import SlimResNet, fan_in_linear_init  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "test", "fixtures", "layouts")


@dataclass
class LayerTap:
    """A layer to name in the export: its role, torch module (or captured key) and source layout."""

    role: str
    module: str
    kind: str  # 'nchw' | 'nhwc' | 'tokens'
    prefix_tokens: int = 0
    grid: Optional[List[int]] = None  # [h, w] for tokens


@dataclass
class Spec:
    name: str
    build: Callable[[], nn.Module]
    size: List[int]  # [height, width]
    layout: str  # input layout: NCHW or NHWC
    opset: int
    taps: List[LayerTap]
    seed: int
    forward: Optional[tf.ForwardFn] = None
    notes: str = ""
    attention: bool = False  # write attention probabilities, their gradients and rollout references


# ---- models --------------------------------------------------------------------------------------------


def transformer_init(model: nn.Module) -> None:
    """Fan-in scaled Linear/Conv weights and non-zero tokens, so logits and attention have a useful spread
    (torchvision zero-initialises the ViT head and the class token)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                fan_in = m.weight[0].numel()
                nn.init.normal_(m.weight, 0.0, 1.0 / math.sqrt(fan_in))
                if m.bias is not None:
                    nn.init.normal_(m.bias, 0.0, 0.1)
            elif isinstance(m, nn.MultiheadAttention):
                nn.init.normal_(m.in_proj_weight, 0.0, 1.5 / math.sqrt(m.embed_dim))
                nn.init.normal_(m.in_proj_bias, 0.0, 0.1)
        for name, p in model.named_parameters():
            if "token" in name or "pos_embedding" in name:
                p.normal_(0.0, 0.5)


def vit_small() -> nn.Module:
    model = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                              num_classes=10)
    transformer_init(model)
    return model


class DeiTStyle(nn.Module):
    """DeiT's token layout on torchvision's Encoder: [class, distillation, patches...], two heads averaged
    (DeiT inference), on a non-square input so the patch grid is 4 x 6."""

    def __init__(self, size: Sequence[int], patch: int, dim: int, layers: int, heads: int, classes: int):
        super().__init__()
        self.grid = (size[0] // patch, size[1] // patch)
        self.conv_proj = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        self.class_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.dist_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.encoder = Encoder(2 + self.grid[0] * self.grid[1], layers, heads, dim, 2 * dim, 0.0, 0.0)
        self.head = nn.Linear(dim, classes)
        self.head_dist = nn.Linear(dim, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        x = self.conv_proj(x).reshape(n, self.conv_proj.out_channels, -1).permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(n, -1, -1), self.dist_token.expand(n, -1, -1), x], dim=1)
        x = self.encoder(x)
        return (self.head(x[:, 0]) + self.head_dist(x[:, 1])) / 2


def deit_two_prefix() -> nn.Module:
    model = DeiTStyle([32, 48], 8, 32, 2, 2, 10)
    transformer_init(model)
    return model


def swin_small() -> nn.Module:
    model = SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=[4, 4],
                            stochastic_depth_prob=0.0, num_classes=10)
    transformer_init(model)
    return model


def resnet_nhwc_input() -> nn.Module:
    return SlimResNet(BasicBlock, [1, 1, 1, 1], [8, 16, 32, 64], num_classes=10)


def nhwc_forward(model: nn.Module, x: torch.Tensor, captured: Dict[str, torch.Tensor]) -> torch.Tensor:
    """A channels-last input permuted to NCHW first (how a Keras-style input is put in front of a torch net)."""
    return model(x.permute(0, 3, 1, 2))


class ChannelsLastCNN(nn.Module):
    """What tf2onnx emits for a Keras CNN: every tensor NHWC, each Conv/MaxPool wrapped in
    Transpose(0,3,1,2) -> op -> Transpose(0,2,3,1), activations in NHWC, global pooling as ReduceMean(1, 2)."""

    def __init__(self, widths: Sequence[int], classes: int):
        super().__init__()
        chans = [3, *widths]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 3, stride=2 if i > 0 else 1, padding=1) for i, (a, b) in enumerate(zip(chans, chans[1:])))
        self.pool = nn.MaxPool2d(2)
        self.dense = nn.Linear(widths[-1], classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return channels_last_forward(self, x, {})


def nchw_op(op: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    return op(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


def channels_last_forward(model: nn.Module, x: torch.Tensor, captured: Dict[str, torch.Tensor]) -> torch.Tensor:
    for i, conv in enumerate(model.convs):
        x = torch.relu(nchw_op(conv, x))
        if i == 0:
            captured["relu_1"] = x
            x = nchw_op(model.pool, x)
    captured["relu_last"] = x
    return model.dense(x.mean(dim=(1, 2)))


def channels_last_cnn() -> nn.Module:
    model = ChannelsLastCNN([8, 16, 32], 10)
    fan_in_linear_init(model)
    return model


SPECS: List[Spec] = [
    Spec("vit_small", vit_small, [32, 32], "NCHW", 17,
         [LayerTap("default", "encoder.layers.encoder_layer_1.ln_1", "tokens", 1, [4, 4]),
          LayerTap("block0", "encoder.layers.encoder_layer_0", "tokens", 1, [4, 4])], 201,
         notes="torchvision VisionTransformer: 32x32, patch 8, 2 blocks, width 32, 2 heads; opset 17 "
               "(LayerNormalization); default = last block's ln_1", attention=True),
    Spec("deit_two_prefix", deit_two_prefix, [32, 48], "NCHW", 14,
         [LayerTap("default", "encoder.layers.encoder_layer_1.ln_1", "tokens", 2, [4, 6])], 202,
         notes="DeiT token layout (class + distillation token, heads averaged) on torchvision's Encoder; "
               "non-square 32x48 input, grid 4x6; opset 14 (LayerNorm decomposed)", attention=True),
    Spec("swin_small", swin_small, [32, 32], "NCHW", 17,
         [LayerTap("default", "permute", "nchw"), LayerTap("stage1", "features.1", "nhwc")], 203,
         notes="torchvision SwinTransformer: patch 4, embed 16, depths [2, 2], heads [2, 4], window 4; "
               "default = last stage after the final norm (permuted to NCHW); stage1 is NHWC"),
    Spec("resnet_nhwc_input", resnet_nhwc_input, [64, 64], "NHWC", 13,
         [LayerTap("default", "layer4", "nchw")], 204, forward=nhwc_forward,
         notes="ResNet BasicBlock [1,1,1,1] behind x.permute(0, 3, 1, 2): input [1, 64, 64, 3]"),
    Spec("channels_last_cnn", channels_last_cnn, [32, 40], "NHWC", 13,
         [LayerTap("default", "relu_last", "nhwc"), LayerTap("early", "relu_1", "nhwc")], 205,
         forward=channels_last_forward,
         notes="tf2onnx-style: NHWC everywhere, Transpose -> Conv/MaxPool -> Transpose, ReduceMean(1, 2); 32x40"),
]


# ---- reference ---------------------------------------------------------------------------------------------


def capture_attention(wrapper: nn.Module, x: torch.Tensor, seed: torch.Tensor):
    """Attention probabilities of every block (torch's MultiheadAttention calls F.softmax(dim=-1) on
    [N * heads, T, T]) and their gradients d(seed . logits)/dP, in float64; each [heads, T, T] (N = 1)."""
    original = F.softmax
    probs: List[torch.Tensor] = []

    def recording(t, dim=None, *args, **kwargs):
        out = original(t, dim, *args, **kwargs)
        if out.dim() == 3 and dim == -1 and out.shape[-1] == out.shape[-2]:
            probs.append(out)
        return out

    F.softmax = recording
    try:
        model = wrapper.double()
        logits = model(x.double())[0]
    finally:
        F.softmax = original
    grads = torch.autograd.grad((logits * seed.double()).sum(), probs)
    wrapper.float()
    return [p.detach().numpy() for p in probs], [g.detach().numpy() for g in grads]


def rollout_reference(probs: Sequence[np.ndarray], fusion: str, discard: float, prefix: int) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020, arXiv:2005.00928): per block the heads fused (mean, max or min),
    the lowest `discard` fraction of the fused matrix set to 0 (never entry [0, 0], as vit-explain does),
    0.5 A + 0.5 I with rows renormalised, multiplied through the blocks (R = A_L ... A_1); the class token's
    row over the patch tokens."""
    t = probs[0].shape[-1]
    result = np.eye(t)
    for p in probs:
        fused = {"mean": p.mean(axis=0), "max": p.max(axis=0), "min": p.min(axis=0)}[fusion].copy()
        flat = fused.reshape(-1)
        drop = np.argsort(flat, kind="stable")[: int(flat.size * discard)]
        flat[drop[drop != 0]] = 0.0
        a = 0.5 * fused + 0.5 * np.eye(t)
        a = a / a.sum(axis=-1, keepdims=True)
        result = a @ result
    return result[0, prefix:]


def attention_gradcam_reference(probs: Sequence[np.ndarray], grads: Sequence[np.ndarray], prefix: int) -> np.ndarray:
    """Chefer et al. 2021 (arXiv:2103.15679), the generic attention-model rule: R = I; per block
    R += E_h[(grad * A)^+] R; the class token's row over the patch tokens."""
    t = probs[0].shape[-1]
    r = np.eye(t)
    for p, g in zip(probs, grads):
        cam = np.maximum(g * p, 0.0).mean(axis=0)
        r = r + cam @ r
    return r[0, prefix:]



def to_nchw(t: np.ndarray, tap: LayerTap) -> np.ndarray:
    """The reshape transform: the layer in canonical [N, C, h, w]."""
    if tap.kind == "nchw":
        return t
    if tap.kind == "nhwc":
        return t.transpose(0, 3, 1, 2)
    n, _, c = t.shape
    h, w = tap.grid
    return t[:, tap.prefix_tokens:, :].reshape(n, h, w, c).transpose(0, 3, 1, 2)


def grad_cam(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Selvaraju et al. 2017, Eq. 1-2 on one image: ReLU(sum_c mean_hw(G_c) A_c), h x w."""
    weights = g[0].mean(axis=(1, 2))
    return np.maximum((weights[:, None, None] * a[0]).sum(axis=0), 0.0)


def attention_fixture(spec: Spec, wrapper: nn.Module, x: torch.Tensor, seed: torch.Tensor, directory: str) -> Dict[str, object]:
    """Per block the probabilities and their gradients (seed 0), and the reference maps of both methods."""
    probs, grads = capture_attention(wrapper, x, seed)
    tap = spec.taps[0]
    heads = probs[0].shape[0]  # N = 1: [heads, T, T]
    grid = tap.grid
    maps = {}
    for name, m in {
        "rollout_mean": rollout_reference(probs, "mean", 0.0, tap.prefix_tokens),
        "rollout_max_discard0.5": rollout_reference(probs, "max", 0.5, tap.prefix_tokens),
        "rollout_min_discard0.2": rollout_reference(probs, "min", 0.2, tap.prefix_tokens),
        "attention_gradcam": attention_gradcam_reference(probs, grads, tap.prefix_tokens),
    }.items():
        maps[name] = tf.write_f32(directory, f"attention.{name}.bin", m.reshape(grid))["file"]
    return {
        "heads": heads,
        "tokens": probs[0].shape[-1],
        "prefixTokens": tap.prefix_tokens,
        "grid": grid,
        "seed": 0,
        "blocks": [
            {"probabilities": tf.write_f32(directory, f"attention.block{i}.probs.bin", p)["file"],
             "gradient": tf.write_f32(directory, f"attention.block{i}.grad.bin", g)["file"]}
            for i, (p, g) in enumerate(zip(probs, grads))
        ],
        "maps": maps,
    }


def make_fixture(spec: Spec, out_root: str) -> Dict[str, object]:
    started = time.time()
    torch.manual_seed(spec.seed)
    gen = torch.Generator().manual_seed(spec.seed)
    model = spec.build()
    tf.randomize_normalization(model, gen)
    tf.disable_inplace(model)
    model.eval()
    taps = [tf.Tap(f"layer_{t.role}", t.role, t.module) for t in spec.taps]
    wrapper = tf.TappedModel(model, taps, spec.forward).eval()
    h, w = spec.size
    x = tf.image_like_input(h, w, gen)
    if spec.layout == "NHWC":
        x = x.permute(0, 2, 3, 1).contiguous()

    directory = os.path.join(out_root, spec.name)
    os.makedirs(directory, exist_ok=True)
    proto = tf.export_onnx(wrapper, x, spec.opset, keep_batchnorm=False, dynamic_batch=True)
    onnx.save(proto, os.path.join(directory, "model.onnx"))
    with torch.no_grad():
        logits = wrapper(x)[0]
    seeds = tf.make_seeds(logits, gen)
    ref = tf.autograd_reference(wrapper, x, seeds)

    layers = []
    for i, (tap, lt) in enumerate(zip(taps, spec.taps)):
        stem = f"layer_{lt.role}"
        a = to_nchw(ref.activations[i], lt)
        grads = [to_nchw(g, lt) for g in ref.gradients[i]]
        layout = {"kind": lt.kind, "grid": list(a.shape[2:])}
        if lt.kind == "tokens":
            layout["prefixTokens"] = lt.prefix_tokens
        layers.append({
            "tensor": tap.tensor,
            "role": lt.role,
            "torch_module": lt.module,
            "source_shape": list(ref.activations[i].shape),
            "layout": layout,
            "shape": list(a.shape),
            "activation": tf.write_f32(directory, f"{stem}.act.bin", a)["file"],
            "gradients": [tf.write_f32(directory, f"{stem}.grad{s}.bin", g)["file"] for s, g in enumerate(grads)],
            "gradcam": [tf.write_f32(directory, f"{stem}.gradcam{s}.bin", grad_cam(a, g))["file"] for s, g in enumerate(grads)],
        })
    attention = attention_fixture(spec, wrapper, x, seeds[0], directory) if spec.attention else None
    doc = {
        "format": "gradcam-edge-layout-fixture/1",
        "name": spec.name,
        "opset": spec.opset,
        "onnx": "model.onnx",
        "input": {"name": tf.INPUT_NAME, "layout": spec.layout, "mean": list(tf.IMAGENET_MEAN), "std": list(tf.IMAGENET_STD),
                  **tf.write_f32(directory, "input.bin", x.numpy())},
        "logits": {"name": tf.LOGITS_NAME, **tf.write_f32(directory, "logits.bin", ref.logits)},
        "top1": int(np.argmax(ref.logits)),
        "seeds": [{"kind": k, **tf.write_f32(directory, f"seed{s}.bin", seed.numpy())}
                  for s, (k, seed) in enumerate(zip(["onehot-top1", "dense-normal"], seeds))],
        "layers": layers,
        **({"attention": attention} if attention else {}),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "generator": "tools/make_layout_fixtures.py",
        "parameters": sum(p.numel() for p in model.parameters()),
        "op_types": tf.op_type_counts(proto),
        "notes": spec.notes,
    }
    with open(os.path.join(directory, "fixture.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
    return {"doc": doc, "bytes": size, "seconds": time.time() - started}


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="fixture names to regenerate")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    chosen = [s for s in SPECS if not args.only or s.name in args.only]
    total = 0
    for spec in chosen:
        summary = make_fixture(spec, args.out)
        total += summary["bytes"]
        doc = summary["doc"]
        layers = ", ".join(f"{l['role']}={l['tensor']} {l['source_shape']} -> {l['shape']}" for l in doc["layers"])
        print(f"== {doc['name']}: input {doc['input']['shape']} {doc['input']['layout']}, {doc['parameters']} params, "
              f"{summary['bytes'] / 1e3:.0f} kB, top1 {doc['top1']}\n   layers: {layers}\n"
              f"   ops: {' '.join(f'{k}:{v}' for k, v in doc['op_types'].items())}")
    print(f"{len(chosen)} fixtures, {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
