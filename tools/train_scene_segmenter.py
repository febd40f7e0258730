#!/usr/bin/python3
"""Train the shipped scene segmenter (models/scenes-segmenter): a small LRASPP-style semantic segmenter on the
multi-object scenes of tools/make-task-scenes.ts; 11 classes (0 background, 1 + shape class).

Architecture: the trunk of task_scene_data.py (ResNet-style, strides 4/8/16, the last block dilated), an
LRASPP-like head (stride-16 features through a 1x1 conv gated by a sigmoid of their global average, upsampled to
stride 8 and concatenated with the stride-8 features, a 3x3 conv, upsampled to stride 4, a 3x3 conv, 1x1 class
conv) and a bilinear upsampling to the input: output [N, 11, H, W] logits.

Training: per-pixel cross-entropy. With --init-trunk (the recipe of tools/make_task_models.sh), the trunk
(stem, stride-8 and stride-16 stages) starts from the trained scene detector's (tools/train_scene_detector.py's
state_dict, same trunk design): trained from scratch for 2 epochs (30 min) the segmenter reached a mean IoU of
only 0.20 (its trunk had not yet learnt to tell the shapes apart), while the detector's trunk already does. Evaluated each epoch on the held-out val split: pixel accuracy, mean IoU over
the 11 classes (background included) and over the 10 shape classes.

Usage: nice -n 19 /usr/bin/python3 tools/train_scene_segmenter.py [--epochs 1] [--scenes build/task-scenes]
       [--onnx models/scenes-segmenter-fp32.onnx] [--labels models/scenes-segmenter.labels.json]
       [--summary build/scenes-segmenter-summary.json] [--threads 1] [--bench-steps N]
       [--init-trunk build/scenes-detector.pt] [--resume build/scenes-segmenter-e1.pt] [--stop-after N]
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from task_scene_data import (  # noqa: E402
    TRUNK_WIDTHS, augment, conv_bn_relu, cosine_lr, export_onnx, load_manifest, load_split, log, to_input, trunk)

SEED = 20261204
BATCH = 32
LR = 2e-3
WEIGHT_DECAY = 0.05


class SceneSegmenter(nn.Module):
    def __init__(self, classes, width=48):
        super().__init__()
        c8, c16 = TRUNK_WIDTHS[2], TRUNK_WIDTHS[3]
        self.stem, self.s8, self.s16 = trunk()
        self.cbr = conv_bn_relu(c16, width, 1)
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c16, width, 1), nn.Sigmoid())
        self.fuse8 = conv_bn_relu(width + c8, width, 3)
        self.fuse4 = conv_bn_relu(width, 16, 3)
        self.classifier = nn.Conv2d(16, classes, 1)

    def forward(self, x):
        f8 = self.s8(self.stem(x))
        f16 = self.s16(f8)
        y = self.cbr(f16) * self.gate(f16)
        y = F.interpolate(y, size=f8.shape[-2:], mode='bilinear', align_corners=False)
        y = self.fuse8(torch.cat([y, f8], 1))
        y = self.fuse4(F.interpolate(y, scale_factor=2.0, mode='bilinear', align_corners=False))
        return F.interpolate(self.classifier(y), size=x.shape[-2:], mode='bilinear', align_corners=False)


@torch.no_grad()
def evaluate(model, images, masks, classes):
    model.eval()
    confusion = torch.zeros(classes, classes, dtype=torch.int64)
    for i in range(0, len(images), 100):
        pred = model(to_input(images[i:i + 100])).argmax(1).flatten()
        truth = masks[i:i + 100].long().flatten()
        confusion += torch.bincount(truth * classes + pred, minlength=classes * classes).view(classes, classes)
    model.train()
    inter = confusion.diag().double()
    union = confusion.sum(0).double() + confusion.sum(1).double() - inter
    iou = (inter / union.clamp(min=1)).tolist()
    return {'pixel_accuracy': float(inter.sum() / confusion.sum()), 'miou': sum(iou) / classes,
            'miou_objects': sum(iou[1:]) / (classes - 1), 'iou_per_class': iou}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--scenes', default='build/task-scenes')
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--onnx', default='models/scenes-segmenter-fp32.onnx')
    ap.add_argument('--labels', default='models/scenes-segmenter.labels.json')
    ap.add_argument('--state', default='build/scenes-segmenter.pt')
    ap.add_argument('--summary', default='build/scenes-segmenter-summary.json')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--bench-steps', type=int, default=0)
    ap.add_argument('--init-trunk', default='')
    ap.add_argument('--resume', default='', help="a segmenter state_dict to start from (a new cosine cycle)")
    ap.add_argument('--stop-after', type=int, default=0, help='stop after this many epochs of the --epochs schedule')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    manifest = load_manifest(args.scenes)
    labels = ['background'] + manifest['labels']
    size, classes = manifest['size'], len(labels)
    train_x, train_m, train_b = load_split(args.scenes, manifest, 'train')
    val_x, val_m, _ = load_split(args.scenes, manifest, 'val')
    model = SceneSegmenter(classes)
    if args.init_trunk:
        state = torch.load(args.init_trunk)
        trunk_state = {k: v for k, v in state.items() if k.split('.')[0] in ('stem', 's8', 's16')}
        missing = model.load_state_dict(trunk_state, strict=False)
        log(f'trunk from {args.init_trunk}: {len(trunk_state)} tensors; not loaded: {len(missing.missing_keys)} head tensors')
    if args.resume:
        model.load_state_dict(torch.load(args.resume))
        log(f'resumed from {args.resume}')
    model = model.to(memory_format=torch.channels_last)
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
        loss_sum, n = 0.0, 0
        for b in range(steps):
            idx = order[b * BATCH:(b + 1) * BATCH]
            x, m, _ = augment(to_input(train_x[idx]), train_m[idx], train_b[idx], gen)
            for g in opt.param_groups:
                g['lr'] = cosine_lr(step, total, LR, 300)
            loss = F.cross_entropy(model(x), m.long())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item()
            n += 1
            if b % 50 == 0:
                log(f'epoch {epoch + 1} step {b}/{steps} loss {loss_sum / n:.4f} {n * BATCH / (time.time() - t0):.1f} img/s')
            if args.bench_steps and step >= args.bench_steps:
                log(f'bench: {n * BATCH / (time.time() - t0):.1f} img/s')
                return
        seconds = time.time() - t0
        metrics = evaluate(model, val_x, val_m, classes)
        history.append({'epoch': epoch + 1, 'loss': loss_sum / n, 'epoch_seconds': seconds, **metrics})
        log(f'epoch {epoch + 1} done in {seconds:.0f} s: ' + json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in history[-1].items() if k != 'iou_per_class'}))
        torch.save(model.state_dict(), args.state)
        if args.stop_after and epoch + 1 >= args.stop_after:
            break
    if not history:  # --epochs 0 with --resume: export a saved state as it is
        history.append({'epoch': 0, **evaluate(model, val_x, val_m, classes)})
    export_onnx(model, size, args.onnx, 'input', 'out')
    with open(args.labels, 'w') as f:
        json.dump(labels, f, indent=2)
        f.write('\n')
    summary = {'architecture': 'ResNet-style trunk (16/32/48/96, strides 4/8/16), LRASPP-like head, bilinear to input; '
               'output [N, 11, H, W] logits', 'parameters': params, 'train_scenes': len(train_x),
               'val_scenes': len(val_x), 'batch': BATCH, 'epochs': args.epochs, 'threads': args.threads,
               'train_seconds': time.time() - started, 'history': history, 'torch': torch.__version__,
               'init_trunk': args.init_trunk or None, 'resume': args.resume or None}
    with open(args.summary, 'w') as f:
        json.dump(summary, f, indent=2)
    log(f'done in {time.time() - started:.0f} s; final {json.dumps(history[-1])}')


if __name__ == '__main__':
    main()
