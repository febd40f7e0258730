#!/usr/bin/python3
"""Train a bundled scene classifier on generated scenes: the default model (a torchvision
MobileNetV2, `--arch mobilenet_v2`, the default) or the small vision transformer `scenes-vit`
(`--arch vit`).

Reads the shards written by tools/make-scenes.ts (layout in build/scenes/manifest.json),
trains on CPU with fixed seeds, evaluates on the held-out `val` split each epoch, and
exports the final model to ONNX (input `input`, NCHW float32 normalised with MEAN/STD,
output `logits`, dynamic batch). Both architectures share the data, preprocessing, seeds,
splits and loop; they differ in the model, optimiser settings and augmentation (ARCHS).

Usage: nice /usr/bin/python3 tools/train_default_model.py [--arch mobilenet_v2|vit] [--epochs 8]
       [--scenes build/scenes]
       [--onnx models/default-fp32.onnx] [--labels models/default.labels.json]
       [--state build/default-model.pt] [--summary build/train-summary.json]
       [--bench-steps N]   (only time N training steps, then exit)
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
import onnx
import torchvision
from onnx import numpy_helper
from torch import nn
from torchvision.models.vision_transformer import ConvStemConfig

WIDTH_MULT = 0.5
# torchvision's MobileNetV2 settings (t, c, n, s) with the stride of the 160-channel stage set
# to 1: output stride 16 instead of 32, so a 128 px input gives an 8 x 8 last feature map
# (better localised class activation maps at a small extra cost).
INVERTED_RESIDUAL_SETTING = [
    [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
    [6, 96, 3, 1], [6, 160, 3, 1], [6, 320, 1, 1],
]
# Per-channel normalisation applied to RGB in [0, 1]: (x - MEAN) / STD.
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]
BATCH = 64
SEED = 20240604
# The vision transformer: torchvision VisionTransformer at 128 px with 16 px patches (an 8 x 8 patch
# grid plus the class token), pre-norm blocks, no dropout, and torchvision's convolutional stem instead
# of the single 16 x 16 patch projection (Xiao et al. 2021, "Early convolutions help transformers see
# better", arXiv:2106.14881: four 3 x 3 stride-2 conv + BN + ReLU, then a 1 x 1 conv to the width). The
# plain patch projection stayed at chance (val top-1 0.10 after 146 steps at lr 2e-3) within this
# machine's training budget; the stem trains in the budget. The blocks and the token layout are the same.
VIT_STEM = [16, 32, 64, 96]
VIT_CONFIG = dict(image_size=128, patch_size=16, num_layers=4, num_heads=3, hidden_dim=96, mlp_dim=384)
# Per-architecture recipe. The ViT adds random quarter turns to the flips (every class is
# rotation-invariant: the generator rotates shapes uniformly); `shift` (random translation) is off for
# it, as its training budget is about one pass over the data. It trains on one thread: with torch's
# OpenMP and OpenBLAS, two threads on this shared 2-core machine ran 4x slower than one.
ARCHS = {
    'mobilenet_v2': dict(lr=3e-3, weight_decay=0.05, warmup_steps=300, label_smoothing=0.05, shift=0,
                         quarter_turns=False, opset=13, threads=2),
    'vit': dict(lr=5e-4, weight_decay=0.05, warmup_steps=50, label_smoothing=0.1, shift=0,
                quarter_turns=True, opset=17, threads=1),
    'vit-hybrid': dict(lr=1e-3, weight_decay=0.05, warmup_steps=30, label_smoothing=0.1, shift=0,
                       quarter_turns=True, opset=17, threads=1),
}
# The hybrid ViT (Dosovitskiy et al. 2020, section 3.1 "Hybrid architecture"): the patch embedding is a CNN
# feature map instead of a linear projection of pixels. Here: the trained default model's MobileNetV2
# features up to the last inverted-residual block (160 channels, output stride 16: the same 8 x 8 grid at 128 px), frozen, read from
# its ONNX export (`--backbone`), then a trained 1 x 1 conv to the width; the four blocks, the class token and
# the head are trained. The default layer (the last block's ln_1) and the attention are the transformer's.
HYBRID_TRUNK_BLOCKS = 18  # features[:18]: everything but the final 1 x 1 conv to 1280 channels
HYBRID_TRUNK_CHANNELS = 160  # 320 x width_mult 0.5


def log(msg, fh=None):
    line = time.strftime('%H:%M:%S ') + msg
    print(line, flush=True)


def load_split(scenes_dir, manifest, split):
    size = manifest['size']
    pixels = size * size * 3
    with_mask = split == 'val'
    record = 1 + pixels + (size * size if with_mask else 0)
    images, labels = [], []
    for shard in manifest['splits'][split]:
        raw = np.fromfile(os.path.join(scenes_dir, shard['file']), dtype=np.uint8)
        raw = raw.reshape(shard['count'], record)
        labels.append(raw[:, 0].astype(np.int64))
        images.append(raw[:, 1:1 + pixels].reshape(-1, size, size, 3))
    return torch.from_numpy(np.concatenate(images)), torch.from_numpy(np.concatenate(labels))


def mobilenet_features_from_onnx(path, num_classes):
    """The default model's MobileNetV2 `features` with the weights of its ONNX export, whose convolutions
    have the BatchNorms folded in: each Conv2d gets the exported weight and bias (in graph order, which is
    module order), each BatchNorm2d becomes an identity."""
    net = build_model('mobilenet_v2', num_classes)
    for module in net.features.modules():
        if isinstance(module, nn.Sequential):
            for i, child in enumerate(module):
                if isinstance(child, nn.BatchNorm2d):
                    module[i] = nn.Identity()
    convs = [m for m in net.features.modules() if isinstance(m, nn.Conv2d)]
    graph = onnx.load(path).graph
    weights = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    nodes = [n for n in graph.node if n.op_type == 'Conv']
    assert len(nodes) == len(convs), f'{len(nodes)} Conv nodes in {path}, {len(convs)} Conv2d modules'
    for conv, node in zip(convs, nodes):
        w = torch.from_numpy(weights[node.input[1]].copy())
        assert tuple(w.shape) == tuple(conv.weight.shape), (node.name, w.shape, conv.weight.shape)
        conv.weight = nn.Parameter(w)
        conv.bias = nn.Parameter(torch.from_numpy(weights[node.input[2]].copy()))
    return net.features


def build_model(arch, num_classes, backbone=None):
    if arch == 'vit-hybrid':
        model = torchvision.models.VisionTransformer(num_classes=num_classes, **VIT_CONFIG)
        trunk = mobilenet_features_from_onnx(backbone, num_classes)[:HYBRID_TRUNK_BLOCKS].requires_grad_(False)
        model.conv_proj = nn.Sequential(trunk, nn.Conv2d(HYBRID_TRUNK_CHANNELS, VIT_CONFIG['hidden_dim'], 1))
        return model
    if arch == 'vit':
        stem = [ConvStemConfig(out_channels=c, kernel_size=3, stride=2) for c in VIT_STEM]
        return torchvision.models.VisionTransformer(num_classes=num_classes, conv_stem_configs=stem, **VIT_CONFIG)
    return torchvision.models.mobilenet_v2(
        num_classes=num_classes, width_mult=WIDTH_MULT,
        inverted_residual_setting=INVERTED_RESIDUAL_SETTING)


def describe(arch):
    if arch == 'vit-hybrid':
        return ('hybrid torchvision VisionTransformer(' + ', '.join(f'{k}={v}' for k, v in VIT_CONFIG.items())
                + f') whose conv_proj is the default model\'s frozen MobileNetV2 features[:{HYBRID_TRUNK_BLOCKS}] '
                + f'({HYBRID_TRUNK_CHANNELS} channels, 8 x 8 at 128 px) then a 1x1 conv to the width')
    if arch == 'vit':
        return ('torchvision VisionTransformer(' + ', '.join(f'{k}={v}' for k, v in VIT_CONFIG.items())
                + f', conv_stem_configs: 3x3/2 conv-BN-ReLU x {VIT_STEM}, then 1x1 conv)')
    return f'torchvision mobilenet_v2 width_mult={WIDTH_MULT} output_stride=16'


def to_input(batch_uint8_nhwc):
    """uint8 NHWC -> normalised float NCHW in channels_last memory format.

    channels_last trains ~2x faster on this CPU. Checked against a float64 copy of the model
    (train mode, dropout off, one batch): the largest relative error of a parameter gradient is
    1.2% for the contiguous float32 run and 5.3% for channels_last (both far below SGD noise;
    the BN biases whose true gradient is zero are excluded), and the losses agree to 1e-7."""
    x = batch_uint8_nhwc.permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


def augment(x, gen, shift=0, quarter_turns=False):
    """Random horizontal and vertical flips (every class is mirror-invariant) and a mild
    per-image brightness/contrast jitter, on a normalised batch. With `shift`, each image is also
    moved by up to `shift` pixels on each axis (reflect padding); with `quarter_turns`, half the images
    are transposed (with the flips: all eight symmetries of the square)."""
    n = x.shape[0]
    flip_h = torch.rand(n, generator=gen) < 0.5
    flip_v = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip_h.view(n, 1, 1, 1), x.flip(3), x)
    x = torch.where(flip_v.view(n, 1, 1, 1), x.flip(2), x)
    if quarter_turns:
        turn = torch.rand(n, generator=gen) < 0.5
        x = torch.where(turn.view(n, 1, 1, 1), x.transpose(2, 3), x)
    if shift:
        h, w = x.shape[2], x.shape[3]
        padded = F.pad(x, (shift, shift, shift, shift), mode='reflect')
        offsets = torch.randint(0, 2 * shift + 1, (n, 2), generator=gen).tolist()
        x = torch.stack([padded[i, :, dy:dy + h, dx:dx + w] for i, (dy, dx) in enumerate(offsets)])
    gain = 1 + (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.3
    bias = (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.3
    return (x * gain + bias).contiguous(memory_format=torch.channels_last)


def lr_at(step, total, recipe):
    peak, warmup = recipe['lr'], recipe['warmup_steps']
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def evaluate(model, images, labels, num_classes):
    model.eval()
    correct = torch.zeros(num_classes)
    count = torch.zeros(num_classes)
    for i in range(0, len(images), 200):
        pred = model(to_input(images[i:i + 200])).argmax(1)
        y = labels[i:i + 200]
        count += torch.bincount(y, minlength=num_classes).float()
        correct += torch.bincount(y[pred == y], minlength=num_classes).float()
    model.train()
    return (correct.sum() / count.sum()).item(), (correct / count.clamp(min=1)).tolist()


def export_onnx(model, size, path, opset):
    """Export with a symbolic batch (torch's MultiheadAttention folds the batch into its heads axis:
    a fixed batch would bake 1 into its reshapes)."""
    model = model.eval().to(memory_format=torch.contiguous_format)
    dummy = torch.zeros(1, 3, size, size)
    torch.onnx.export(
        model, dummy, path, opset_version=opset, input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', choices=sorted(ARCHS), default='mobilenet_v2')
    ap.add_argument('--scenes', default='build/scenes')
    ap.add_argument('--backbone', default='models/default-fp32.onnx',
                    help='vit-hybrid: the ONNX export of the trained default model whose features it reuses')
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--onnx', default='models/default-fp32.onnx')
    ap.add_argument('--labels', default='models/default.labels.json')
    ap.add_argument('--state', default='build/default-model.pt')
    ap.add_argument('--summary', default='build/train-summary.json')
    ap.add_argument('--bench-steps', type=int, default=0)
    ap.add_argument('--train-scenes', type=int, default=0,
                    help='train on the first N training scenes only (0: all; classes stay balanced, class = i mod 10)')
    ap.add_argument('--eval-every', type=int, default=0,
                    help='also report val top-1 every N steps within an epoch (0: only after each epoch)')
    args = ap.parse_args()
    recipe = ARCHS[args.arch]

    torch.set_num_threads(recipe['threads'])
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    with open(os.path.join(args.scenes, 'manifest.json')) as f:
        manifest = json.load(f)
    labels_list = manifest['labels']
    num_classes, size = len(labels_list), manifest['size']
    train_x, train_y = load_split(args.scenes, manifest, 'train')
    if args.train_scenes:
        train_x, train_y = train_x[:args.train_scenes], train_y[:args.train_scenes]
    val_x, val_y = load_split(args.scenes, manifest, 'val')
    log(f'train {len(train_x)} val {len(val_x)} size {size} classes {num_classes}')

    model = build_model(args.arch, num_classes, args.backbone).to(memory_format=torch.channels_last)
    # Weight decay on weight matrices and kernels only: not on biases, norms, the class token or the
    # position embedding.
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue  # the hybrid's frozen backbone
        plain = p.ndim > 1 and 'class_token' not in name and 'pos_embedding' not in name
        (decay if plain else no_decay).append(p)
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': recipe['weight_decay']},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=recipe['lr'])
    steps_per_epoch = len(train_x) // BATCH
    total = steps_per_epoch * args.epochs
    log(f'model {describe(args.arch)}, params {sum(p.numel() for p in model.parameters())} '
        f'(trained {sum(p.numel() for p in model.parameters() if p.requires_grad)}), '
        f'{args.epochs} epochs x {steps_per_epoch} steps, batch {BATCH}, mean {MEAN} std {STD}, recipe {recipe}')

    history, step, started = [], 0, time.time()
    for epoch in range(args.epochs):
        epoch_start = time.time()
        order = torch.randperm(len(train_x), generator=gen)
        loss_sum, correct, seen = 0.0, 0, 0
        for b in range(steps_per_epoch):
            idx = order[b * BATCH:(b + 1) * BATCH]
            x = augment(to_input(train_x[idx]), gen, recipe['shift'], recipe['quarter_turns'])
            y = train_y[idx]
            for group in opt.param_groups:
                group['lr'] = lr_at(step, total, recipe)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=recipe['label_smoothing'])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
            if b % 50 == 0:
                rate = seen / (time.time() - epoch_start)
                log(f'epoch {epoch + 1} step {b}/{steps_per_epoch} loss {loss_sum / seen:.4f} '
                    f'acc {correct / seen:.4f} lr {lr_at(step, total, recipe):.5f} {rate:.1f} img/s')
            if args.eval_every and step % args.eval_every == 0 and b + 1 < steps_per_epoch:
                val_acc, _ = evaluate(model, val_x, val_y, num_classes)
                history.append({'step': step, 'epoch': epoch + (b + 1) / steps_per_epoch,
                                'train_loss': loss_sum / seen, 'train_acc': correct / seen, 'val_acc': val_acc,
                                'seconds': time.time() - started})
                log(f'step {step} (epoch {epoch + (b + 1) / steps_per_epoch:.2f}): val top-1 {val_acc:.4f}')
            if args.bench_steps and step >= args.bench_steps:
                log(f'bench: {seen / (time.time() - epoch_start):.1f} img/s')
                return
        epoch_time = time.time() - epoch_start
        val_acc, per_class = evaluate(model, val_x, val_y, num_classes)
        history.append({'epoch': epoch + 1, 'train_loss': loss_sum / seen, 'train_acc': correct / seen,
                        'val_acc': val_acc, 'epoch_seconds': epoch_time})
        log(f'epoch {epoch + 1} done in {epoch_time:.0f} s: train loss {loss_sum / seen:.4f} '
            f'acc {correct / seen:.4f}, val top-1 {val_acc:.4f}, per class '
            + ' '.join(f'{labels_list[i]}={a:.3f}' for i, a in enumerate(per_class)))
        torch.save(model.state_dict(), args.state)

    total_time = time.time() - started
    val_acc, per_class = evaluate(model, val_x, val_y, num_classes)
    export_onnx(model, size, args.onnx, recipe['opset'])
    with open(args.labels, 'w') as f:
        json.dump(labels_list, f, indent=2)
        f.write('\n')
    summary = {
        'architecture': describe(args.arch),
        'parameters': sum(p.numel() for p in model.parameters()),
        'inverted_residual_setting': INVERTED_RESIDUAL_SETTING if args.arch == 'mobilenet_v2' else None,
        'input': {'size': size, 'layout': 'NCHW', 'range': 'RGB/255', 'mean': MEAN, 'std': STD,
                  'resize': 'stretch to square, no crop'},
        'labels': labels_list, 'train_scenes': len(train_x), 'val_scenes': len(val_x),
        'epochs': args.epochs, 'batch': BATCH, 'recipe': recipe,
        'seed': SEED, 'val_top1': val_acc, 'val_per_class': per_class,
        'total_seconds': total_time, 'history': history, 'torch': torch.__version__,
        'torchvision': torchvision.__version__,
    }
    with open(args.summary, 'w') as f:
        json.dump(summary, f, indent=2)
    log(f'final val top-1 {val_acc:.4f}; total training time {total_time / 60:.1f} min; '
        f'exported {args.onnx}')


if __name__ == '__main__':
    main()
