#!/usr/bin/python3
"""Train the shipped scene detector (models/scenes-detector): a small YOLO-style anchor-free detector on the
multi-object scenes of tools/make-task-scenes.ts.

Architecture: the trunk of task_scene_data.py (ResNet-style, strides 4/8/16), a two-level FPN (stride 16 ->
upsample -> concat with stride 8 -> 1x1 conv) and per level a head conv with a class branch (C logits) and a box branch
(left, top, right, bottom distances = softplus * stride). Exported like ultralytics' YOLOv8 ONNX: one output
[N, 4 + C, A] with decoded boxes (centre x, centre y, width, height in input pixels) and sigmoid class scores;
at 128 px A = 16*16 (stride 8) + 8*8 (stride 16) = 320 anchors, stride-8 anchors first, row-major.

Training: FCOS-style assignment (an anchor is positive for a box when its centre lies within 1.25 strides of the
box centre and inside the box, or is the box centre's own cell; stride 8 takes boxes up to 40 px on their longer
side, stride 16 boxes from 28 px; an anchor claimed twice takes the smaller box), sigmoid focal loss for the
classes, GIoU loss for the boxes. Evaluated each epoch on the held-out val split: precision and recall at IoU 0.5
after the service's post-processing (best class per anchor, score > 0.25, per-class NMS at IoU 0.45), and
mAP@0.5 (VOC all-point AP per class over detections with score > 0.001, mean over classes).

Usage: nice -n 19 /usr/bin/python3 tools/train_scene_detector.py [--epochs 4] [--scenes build/task-scenes]
       [--onnx models/scenes-detector-fp32.onnx] [--labels models/scenes-detector.labels.json]
       [--summary build/scenes-detector-summary.json] [--threads 1] [--bench-steps N]
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.ops import batched_nms, generalized_box_iou_loss, sigmoid_focal_loss

sys.path.insert(0, os.path.dirname(__file__))
from task_scene_data import (  # noqa: E402
    TRUNK_WIDTHS, augment, conv_bn_relu, cosine_lr, export_onnx, load_manifest, load_split, log, to_input, trunk)
from detection_metrics import evaluate_detections  # noqa: E402

SEED = 20261203
BATCH = 32
LR = 2e-3
WEIGHT_DECAY = 0.05
STRIDES = (8, 16)


class SceneDetector(nn.Module):
    def __init__(self, classes, size=128, width=48):
        super().__init__()
        self.nc = classes
        self.stem, self.s8, self.s16 = trunk()
        self.lat16 = conv_bn_relu(TRUNK_WIDTHS[3], width, 1)
        self.fuse8 = conv_bn_relu(width + TRUNK_WIDTHS[2], width, 1)
        self.up = nn.Upsample(scale_factor=2, mode='nearest')
        self.head = nn.ModuleList(conv_bn_relu(width, width, 3) for _ in STRIDES)
        self.cls = nn.ModuleList(nn.Conv2d(width, classes, 1) for _ in STRIDES)
        self.box = nn.ModuleList(nn.Conv2d(width, 4, 1) for _ in STRIDES)
        for conv in self.cls:
            nn.init.constant_(conv.bias, -4.6)  # prior 0.01, as in RetinaNet/FCOS
        for conv in self.box:
            nn.init.constant_(conv.bias, 1.5)  # softplus(1.5) * stride ~ 1.7 strides from the anchor to each side
        points, strides = [], []
        for s in STRIDES:
            n = size // s
            gy, gx = torch.meshgrid(torch.arange(n) + 0.5, torch.arange(n) + 0.5, indexing='ij')
            points.append(torch.stack([gx, gy], 0).view(2, -1) * s)
            strides.append(torch.full((1, n * n), float(s)))
        self.register_buffer('anchors', torch.cat(points, 1), persistent=False)  # [2, A] in pixels
        self.register_buffer('strides', torch.cat(strides, 1), persistent=False)  # [1, A]

    def raw(self, x):
        """Class logits [N, C, A] and box distances (left, top, right, bottom) in pixels [N, 4, A]."""
        f8 = self.s8(self.stem(x))
        f16 = self.lat16(self.s16(f8))
        p8 = self.fuse8(torch.cat([self.up(f16), f8], 1))
        b = x.shape[0]
        logits, dists = [], []
        for i, f in enumerate((p8, f16)):
            h = self.head[i](f)
            logits.append(self.cls[i](h).reshape(b, self.nc, -1))
            dists.append(F.softplus(self.box[i](h)).reshape(b, 4, -1) * STRIDES[i])
        return torch.cat(logits, 2), torch.cat(dists, 2)

    def corners(self, dists):
        lt, rb = dists[:, :2], dists[:, 2:]
        return torch.cat([self.anchors - lt, self.anchors + rb], 1)  # [N, 4, A] x0, y0, x1, y1

    def forward(self, x):
        logits, dists = self.raw(x)
        c = self.corners(dists)
        xy = (c[:, :2] + c[:, 2:]) / 2
        wh = c[:, 2:] - c[:, :2]
        return torch.cat([xy, wh, logits.sigmoid()], 1)


def assign(model, boxes):
    """Per image and anchor: the index of the assigned ground-truth slot, or -1. boxes [N, M, 5]."""
    ax, ay = model.anchors[0].view(1, -1, 1), model.anchors[1].view(1, -1, 1)  # [1, A, 1]
    stride = model.strides.view(1, -1, 1)
    cls, x0, y0, x1, y1 = (boxes[:, None, :, k] for k in range(5))  # [N, 1, M]
    valid = cls >= 0
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    dx, dy = (ax - cx).abs(), (ay - cy).abs()
    near = (dx <= torch.minimum(1.25 * stride, w / 2)) & (dy <= torch.minimum(1.25 * stride, h / 2))
    own = (dx <= stride / 2) & (dy <= stride / 2)
    longer = torch.maximum(w, h)
    level = ((stride == 8) & (longer <= 40)) | ((stride == 16) & (longer >= 28))
    ok = (near | own) & level & valid
    area = torch.where(ok, w * h, torch.full_like(w * h, float('inf')))
    best_area, best = area.min(2)
    return torch.where(torch.isfinite(best_area), best, torch.full_like(best, -1))


def loss_fn(model, logits, dists, boxes):
    slot = assign(model, boxes)  # [N, A]
    pos = slot >= 0
    n_pos = max(1, int(pos.sum()))
    gathered = torch.gather(boxes, 1, slot.clamp(min=0).unsqueeze(-1).expand(-1, -1, 5))  # [N, A, 5]
    target = torch.zeros_like(logits)  # [N, C, A]
    target.scatter_(1, gathered[:, :, 0].clamp(min=0).long().unsqueeze(1), pos.unsqueeze(1).float())
    cls_loss = sigmoid_focal_loss(logits, target, reduction='sum') / n_pos
    pred = model.corners(dists).permute(0, 2, 1)[pos]  # [P, 4]
    box_loss = generalized_box_iou_loss(pred, gathered[..., 1:][pos], reduction='mean') if pos.any() else logits.sum() * 0
    return cls_loss + 2 * box_loss, cls_loss.item(), box_loss.item()


@torch.no_grad()
def predict(model, images):
    """Per image: (boxes [K, 4] corners, scores [K], classes [K]) after best-class-per-anchor, score > 0.001 and
    per-class NMS at 0.45 (the service's decoding, with a low threshold so mAP sees the whole ranking)."""
    model.eval()
    out = []
    for i in range(0, len(images), 100):
        y = model(to_input(images[i:i + 100]))
        for row in y:
            scores, classes = row[4:].max(0)
            keep = scores > 0.001
            b = torch.cat([row[:2] - row[2:4] / 2, row[:2] + row[2:4] / 2], 0).t()[keep]
            s, c = scores[keep], classes[keep]
            k = batched_nms(b, s, c, 0.45)[:100]
            out.append((b[k], s[k], c[k]))
    model.train()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scenes', default='build/task-scenes')
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--onnx', default='models/scenes-detector-fp32.onnx')
    ap.add_argument('--labels', default='models/scenes-detector.labels.json')
    ap.add_argument('--state', default='build/scenes-detector.pt')
    ap.add_argument('--summary', default='build/scenes-detector-summary.json')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--bench-steps', type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    manifest = load_manifest(args.scenes)
    labels, size = manifest['labels'], manifest['size']
    train_x, train_m, train_b = load_split(args.scenes, manifest, 'train')
    val_x, _, val_b = load_split(args.scenes, manifest, 'val')
    model = SceneDetector(len(labels), size).to(memory_format=torch.channels_last)
    params = sum(p.numel() for p in model.parameters())
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': WEIGHT_DECAY}, {'params': no_decay, 'weight_decay': 0}], lr=LR)
    steps = len(train_x) // BATCH
    total = steps * args.epochs
    log(f'train {len(train_x)} val {len(val_x)} size {size}; params {params}; {args.epochs} epochs x {steps} steps, batch {BATCH}')
    history, step, started = [], 0, time.time()
    for epoch in range(args.epochs):
        t0, order = time.time(), torch.randperm(len(train_x), generator=gen)
        sums = [0.0, 0.0, 0]
        for b in range(steps):
            idx = order[b * BATCH:(b + 1) * BATCH]
            x, _, boxes = augment(to_input(train_x[idx]), train_m[idx], train_b[idx], gen)
            for g in opt.param_groups:
                g['lr'] = cosine_lr(step, total, LR, 300)
            logits, dists = model.raw(x)
            loss, lc, lb = loss_fn(model, logits, dists, boxes)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            sums[0] += lc
            sums[1] += lb
            sums[2] += 1
            if b % 50 == 0:
                log(f'epoch {epoch + 1} step {b}/{steps} cls {sums[0] / sums[2]:.4f} giou {sums[1] / sums[2]:.4f} '
                    f'{sums[2] * BATCH / (time.time() - t0):.1f} img/s')
            if args.bench_steps and step >= args.bench_steps:
                log(f'bench: {sums[2] * BATCH / (time.time() - t0):.1f} img/s')
                return
        seconds = time.time() - t0
        metrics = evaluate_detections(predict(model, val_x), val_b, len(labels))
        history.append({'epoch': epoch + 1, 'cls_loss': sums[0] / sums[2], 'giou_loss': sums[1] / sums[2],
                        'epoch_seconds': seconds, **metrics})
        log(f'epoch {epoch + 1} done in {seconds:.0f} s: ' + json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in history[-1].items() if k != 'ap_per_class'}))
        torch.save(model.state_dict(), args.state)
    export_onnx(model, size, args.onnx, 'images', 'output0')
    with open(args.labels, 'w') as f:
        json.dump(labels, f, indent=2)
        f.write('\n')
    summary = {'architecture': 'ResNet-style trunk (16/32/48/96), FPN strides 8 and 16, anchor-free head; '
               'output [N, 4 + C, 320] (cx, cy, w, h in input pixels; sigmoid scores)',
               'parameters': params, 'train_scenes': len(train_x), 'val_scenes': len(val_x), 'batch': BATCH,
               'epochs': args.epochs, 'threads': args.threads, 'train_seconds': time.time() - started,
               'history': history, 'torch': torch.__version__}
    with open(args.summary, 'w') as f:
        json.dump(summary, f, indent=2)
    log(f'done in {time.time() - started:.0f} s; final {json.dumps(history[-1])}')


if __name__ == '__main__':
    main()
