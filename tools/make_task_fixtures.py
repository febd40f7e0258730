"""PyTorch-autograd oracles for models that are not classifiers: segmentation, detection, embedding.

Writes test/fixtures/tasks/<name>/ (format below) for:
- lraspp: torchvision's LRASPP built by torchvision's own `_lraspp_mobilenetv3` on `mobilenet_v3_large(
  dilated=True)`, i.e. `lraspp_mobilenet_v3_large`'s architecture, with width_mult=0.25 and reduced_tail so the
  committed ONNX stays small (170k parameters instead of 3.2M, 0.7 MB instead of 12.9 MB; the ops and the
  graph's structure are the full model's); 21 classes, 64 x 64 input;
- deeplab: a deeplabv3-style model: torchvision's `DeepLabV3` with a small dilated residual backbone
  (output stride 8) and a head of torchvision's `ASPP` (rates 2, 4, 6, with its image-pooling branch) +
  3x3 conv + BN + ReLU + 1x1 conv, upsampled bilinearly to the input; 5 classes, 64 x 64;
- yolo: a YOLOv8-style detector: CSP trunk (C2f blocks, SPPF), FPN + PAN neck (nearest upsampling, Concat),
  decoupled head with DFL box regression, decoded as ultralytics exports it: [1, 4 + C, A] with boxes
  (centre x, centre y, width, height in input pixels) and sigmoid class scores; 3 classes, 64 x 64 (A = 84);
- embed: a small residual CNN -> global average pool -> linear projection, output [1, 16].
Weights are random (BatchNorm statistics randomised as in make_fixtures.py); opset 17.

Per fixture: model.onnx, input.bin (float32 NCHW), output.bin (the model output in float64, stored float32;
not for segmentation, whose outputs are large),
fixture.json, and per layer A (<role>.act.bin) and per seed G (<role>.grad<i>.bin), with
G = d(sum(seed_i * output)) / dA by torch.autograd in float64. The seeds are the targets src/tasks builds:
segmentation: SemanticSegmentationTarget of the default class (non-background class with most pixels; mask =
argmax == c), then the same restricted to a region; detection: the top detection's class score at its anchor,
then the best anchor of the coarsest scale; embedding: a random direction, then output unit 3.
The layer with role "default" is the one prepare must choose by default.

Run: nice /usr/bin/python3 tools/make_task_fixtures.py [--only NAME] [--full-lraspp DIR] [--yolo640 DIR]
(--full-lraspp writes the full-width lraspp_mobilenet_v3_large at 224 x 224 instead; --yolo640 the detector at
640 x 640 with 80 classes and reg_max 16, output [1, 84, 8400] as YOLOv8's; neither is committed: they are for
bench/task-seed.bench.ts and manual checks.)
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
import torch_fixture as tf  # noqa: E402
from torchvision.models import mobilenet_v3_large  # noqa: E402
from torchvision.models._utils import IntermediateLayerGetter  # noqa: E402
from torchvision.models.resnet import BasicBlock  # noqa: E402
from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabV3  # noqa: E402
from torchvision.models.segmentation.lraspp import _lraspp_mobilenetv3  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "tasks")
OPSET = 17
tf.LOGITS_NAME = "output"


class OutOnly(nn.Module):
    """torchvision segmentation models return {'out': ...}; export the tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


# ---------------------------------------------------------------- deeplabv3-style
class DilatedBlock(nn.Module):
    def __init__(self, c, dilation):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(x + self.bn2(self.conv2(y)))


def down(c1, c2):
    return nn.Sequential(nn.Conv2d(c1, c2, 1, 2, bias=False), nn.BatchNorm2d(c2))


def deeplab(classes=5):
    backbone = nn.Sequential()
    backbone.add_module("stem", nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()))
    backbone.add_module("layer1", BasicBlock(16, 16))
    backbone.add_module("layer2", BasicBlock(16, 24, 2, down(16, 24)))
    backbone.add_module("layer3", BasicBlock(24, 32, 2, down(24, 32)))
    backbone.add_module("layer4", DilatedBlock(32, 2))
    head = nn.Sequential(ASPP(32, [2, 4, 6], 32), nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.Conv2d(32, classes, 1))
    return DeepLabV3(IntermediateLayerGetter(backbone, {"layer4": "out"}), head)


# ---------------------------------------------------------------- YOLOv8-style
class Conv(nn.Sequential):
    def __init__(self, c1, c2, k=3, s=1):
        super().__init__(nn.Conv2d(c1, c2, k, s, k // 2, bias=False), nn.BatchNorm2d(c2), nn.SiLU())


class Bottleneck(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.cv1, self.cv2 = Conv(c, c), Conv(c, c)

    def forward(self, x):
        return x + self.cv2(self.cv1(x))


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2):
        super().__init__()
        self.cv1, self.cv2 = Conv(c1, c1 // 2, 1), Conv(c1 * 2, c2, 1)
        self.m = nn.MaxPool2d(5, 1, 2)

    def forward(self, x):
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


class Yolo(nn.Module):
    """Trunk, neck and head as in ultralytics' yolov8.yaml (narrow), exported like its ONNX export."""

    def __init__(self, classes=3, reg_max=8):
        super().__init__()
        self.nc, self.reg_max, self.strides = classes, reg_max, (8, 16, 32)
        self.stem = nn.Sequential(Conv(3, 8, 3, 2), Conv(8, 16, 3, 2), C2f(16, 16))
        self.p3 = nn.Sequential(Conv(16, 24, 3, 2), C2f(24, 24))
        self.p4 = nn.Sequential(Conv(24, 32, 3, 2), C2f(32, 32))
        self.p5 = nn.Sequential(Conv(32, 48, 3, 2), C2f(48, 48), SPPF(48, 48))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.n4, self.n3 = C2f(80, 32), C2f(56, 24)
        self.d3, self.o4 = Conv(24, 24, 3, 2), C2f(56, 32)
        self.d4, self.o5 = Conv(32, 32, 3, 2), C2f(80, 48)
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(c, 16), Conv(16, 16), nn.Conv2d(16, 4 * reg_max, 1)) for c in (24, 32, 48))
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(c, 16), Conv(16, 16), nn.Conv2d(16, classes, 1)) for c in (24, 32, 48))
        self.dfl = nn.Conv2d(reg_max, 1, 1, bias=False).requires_grad_(False)
        self.dfl.weight.data[:] = torch.arange(reg_max, dtype=torch.float).view(1, reg_max, 1, 1)

    def forward(self, x):
        p3 = self.p3(self.stem(x))
        p4 = self.p4(p3)
        p5 = self.p5(p4)
        n4 = self.n4(torch.cat([self.up(p5), p4], 1))
        o3 = self.n3(torch.cat([self.up(n4), p3], 1))
        o4 = self.o4(torch.cat([self.d3(o3), n4], 1))
        o5 = self.o5(torch.cat([self.d4(o4), p5], 1))
        feats = [torch.cat([self.cv2[i](f), self.cv3[i](f)], 1) for i, f in enumerate((o3, o4, o5))]
        b = x.shape[0]
        y = torch.cat([f.view(b, 4 * self.reg_max + self.nc, -1) for f in feats], 2)
        box, cls = y.split((4 * self.reg_max, self.nc), 1)
        dist = self.dfl(box.view(b, 4, self.reg_max, -1).transpose(2, 1).softmax(1)).view(b, 4, -1)
        anchors, strides = self.anchors(feats, x.dtype)
        lt, rb = dist.chunk(2, 1)
        x1y1, x2y2 = anchors - lt, anchors + rb
        dbox = torch.cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], 1) * strides
        return torch.cat([dbox, cls.sigmoid()], 1)

    def anchors(self, feats, dtype):
        points, strides = [], []
        for f, s in zip(feats, self.strides):
            h, w = f.shape[2:]
            sy, sx = torch.meshgrid(torch.arange(h, dtype=dtype) + 0.5, torch.arange(w, dtype=dtype) + 0.5, indexing="ij")
            points.append(torch.stack([sx, sy], 0).view(2, -1))
            strides.append(torch.full((1, h * w), float(s), dtype=dtype))
        return torch.cat(points, 1), torch.cat(strides, 1)


# ---------------------------------------------------------------- embedding
def embedder(dim=16):
    return nn.Sequential(
        nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()),
        BasicBlock(16, 16), BasicBlock(16, 32, 2, down(16, 32)), BasicBlock(32, 48, 2, down(32, 48)),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(48, dim),
    )


# ---------------------------------------------------------------- targets
def argmax_mask(out, c, region=None):
    mask = (out[0].argmax(0) == c).double()
    if region is not None:
        x0, y0, x1, y1 = region
        h, w = mask.shape
        keep = torch.zeros_like(mask)
        keep[y0:y1, x0:x1] = 1  # output size = input size here: pixel centres inside the region
        mask = mask * keep
    return mask


def segment_seeds(out, background=0):
    classes = out.shape[1]
    argmax = out[0].argmax(0)
    counts = torch.bincount(argmax.flatten(), minlength=classes)
    order = sorted(range(classes), key=lambda c: (-int(counts[c]), c))
    c = next((k for k in order if k != background and counts[k] > 0), order[0])
    h, w = argmax.shape
    seeds, meta = [], []
    for region in (None, [0, 0, w // 2, h], [w // 2, 0, w, h]):
        mask = argmax_mask(out, c, region)
        if mask.sum() == 0:
            continue
        seed = torch.zeros_like(out)
        seed[0, c] = mask
        seeds.append(seed)
        meta.append({"kind": "segment", "classIndex": c, "region": region, "pixels": int(mask.sum())})
        if len(seeds) == 2:
            break
    return seeds, meta


def detect_seeds(out, nc):
    scores = out[0, 4:]  # [C, A]
    best, cls = scores.max(0)
    anchors = out.shape[2]
    seeds, meta = [], []
    for name, cand in (("top", range(anchors)), ("coarsest-scale best", range(anchors - 4, anchors))):
        a = max(cand, key=lambda k: float(best[k]))
        c = int(cls[a])
        seed = torch.zeros_like(out)
        seed[0, 4 + c, a] = 1
        seeds.append(seed)
        meta.append({"kind": "detect", "which": name, "anchor": a, "classIndex": c, "score": float(best[a])})
    return seeds, meta


def embed_seeds(out, gen):
    v = torch.randn(out.shape[1], generator=gen, dtype=torch.float64)
    unit = torch.zeros_like(out)
    unit[0, 3] = 1
    return [v.view(1, -1), unit], [{"kind": "vector", "vector": v.tolist()}, {"kind": "index", "index": 3}]


# ---------------------------------------------------------------- writing
def f32(path, t):
    t.detach().to(torch.float32).contiguous().numpy().tofile(path)


def build(name, out_dir, full=False):
    gen = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    size = 640 if (name == "yolo" and full) else 64
    if name == "lraspp":
        width = 1.0 if full else 0.25
        seg = _lraspp_mobilenetv3(mobilenet_v3_large(weights=None, width_mult=width, reduced_tail=not full, dilated=True), 21)
        low = [k for k, v in seg.backbone.return_layers.items() if v == "low"][0]
        model, task = OutOnly(seg), "segment"
        taps = [tf.Tap("default", "default", f"model.backbone.{low}"), tf.Tap("high", "high", "model.backbone.16")]
        size = 224 if full else 64
    elif name == "deeplab":
        model, task = OutOnly(deeplab()), "segment"
        taps = [tf.Tap("default", "default", "model.backbone.layer4"), tf.Tap("aspp", "aspp", "model.classifier.0")]
    elif name == "yolo":
        model, task = (Yolo(80, 16) if full else Yolo()), "detect"
        taps = [tf.Tap("default", "default", "p3"), tf.Tap("neck", "neck", "n4")]
    elif name == "embed":
        model, task = embedder(), "embed"
        taps = [tf.Tap("default", "default", "3"), tf.Tap("mid", "mid", "2")]
    else:
        raise SystemExit(f"unknown fixture {name}")
    model.eval()
    tf.disable_inplace(model)
    tf.randomize_normalization(model, gen)
    wrapper = tf.TappedModel(model, taps).eval()
    x = tf.image_like_input(size, size, gen)
    onnx_model = tf.export_onnx(wrapper, x, OPSET, keep_batchnorm=False)
    os.makedirs(out_dir, exist_ok=True)
    import onnx
    onnx.save(onnx_model, os.path.join(out_dir, "model.onnx"))

    wrapper = wrapper.double()
    xd = x.double()
    out, *acts = wrapper(xd)
    if task == "segment":
        seeds, meta = segment_seeds(out)
    elif task == "detect":
        seeds, meta = detect_seeds(out, model.nc)
    else:
        seeds, meta = embed_seeds(out, gen)
    f32(os.path.join(out_dir, "input.bin"), x)
    if task != "segment":  # segmentation outputs are large; their argmax is checked through the seeds' masks
        f32(os.path.join(out_dir, "output.bin"), out)
    layers = []
    for tap, act in zip(taps, acts):
        grads = []
        for i, seed in enumerate(seeds):
            out_i, *acts_i = wrapper(xd)
            act_i = acts_i[taps.index(tap)]
            (g,) = torch.autograd.grad((out_i * seed).sum(), act_i)
            f32(os.path.join(out_dir, f"{tap.role}.grad{i}.bin"), g)
            grads.append(f"{tap.role}.grad{i}.bin")
        f32(os.path.join(out_dir, f"{tap.role}.act.bin"), act)
        layers.append({"tensor": tap.tensor, "role": tap.role, "shape": list(act.shape), "activation": f"{tap.role}.act.bin", "gradients": grads})
    fixture = {
        "task": task, "torch": torch.__version__, "opset": OPSET,
        "input": {"name": tf.INPUT_NAME, "shape": list(x.shape), "file": "input.bin"},
        "output": {"name": "output", "shape": list(out.shape), "file": None if task == "segment" else "output.bin"},
        "seeds": meta, "layers": layers,
    }
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=1)
    size_kb = os.path.getsize(os.path.join(out_dir, "model.onnx")) // 1024
    print(f"{name}: output {list(out.shape)}, layers {[(l['tensor'], l['shape']) for l in layers]}, seeds {[{k: v for k, v in m.items() if k != 'vector'} for m in meta]}, model {size_kb} KB")
    print("  ops:", tf.op_type_counts(onnx_model))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--only")
    p.add_argument("--out", default=ROOT)
    p.add_argument("--full-lraspp")
    p.add_argument("--yolo640")
    a = p.parse_args()
    if a.full_lraspp or a.yolo640:
        if a.full_lraspp:
            build("lraspp", a.full_lraspp, full=True)
        if a.yolo640:
            build("yolo", a.yolo640, full=True)
        return
    for name in ["lraspp", "deeplab", "yolo", "embed"]:
        if a.only and a.only != name:
            continue
        build(name, os.path.join(a.out, name))


if __name__ == "__main__":
    main()
