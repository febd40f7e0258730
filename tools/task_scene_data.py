"""Loading and augmenting the multi-object scene shards of tools/make-task-scenes.ts, shared by
tools/train_scene_detector.py and tools/train_scene_segmenter.py.

A record is size*size*3 uint8 RGB (HWC), size*size uint8 class mask (0 background, 1 + class), one uint8
object count and MAX_OBJECTS slots of (class, x, y, width, height) uint8 (the layout is also in the shards'
manifest.json)."""
import json
import os
import time

import numpy as np
import torch

# Per-channel normalisation of RGB in [0, 1]: (x - MEAN) / STD (the default model's; prepare gets them too).
MEAN = [0.5, 0.5, 0.5]
STD = [0.25, 0.25, 0.25]


def export_onnx(model, size, path, input_name, output_name):
    """Export for the service: opset 17, NCHW float input of size x size, dynamic batch, constants folded."""
    model = model.eval().to(memory_format=torch.contiguous_format)
    torch.onnx.export(model, torch.zeros(1, 3, size, size), path, opset_version=17, input_names=[input_name],
                      output_names=[output_name], dynamic_axes={input_name: {0: 'batch'}, output_name: {0: 'batch'}},
                      do_constant_folding=True)


def log(msg):
    print(time.strftime('%H:%M:%S ') + msg, flush=True)


def load_manifest(scenes_dir):
    with open(os.path.join(scenes_dir, 'manifest.json')) as f:
        return json.load(f)


def load_split(scenes_dir, manifest, split):
    """Returns (images uint8 [N, S, S, 3], masks uint8 [N, S, S], boxes float32 [N, M, 5] as (class, x0, y0, x1, y1)
    with class -1 in unused slots) as torch tensors."""
    size, m = manifest['size'], manifest['maxObjects']
    pixels = size * size
    record = pixels * 4 + 1 + m * 5
    images, masks, boxes = [], [], []
    for shard in manifest['splits'][split]:
        raw = np.fromfile(os.path.join(scenes_dir, shard['file']), dtype=np.uint8).reshape(shard['count'], record)
        images.append(raw[:, :pixels * 3].reshape(-1, size, size, 3))
        masks.append(raw[:, pixels * 3:pixels * 4].reshape(-1, size, size))
        count = raw[:, pixels * 4]
        slots = raw[:, pixels * 4 + 1:].reshape(-1, m, 5).astype(np.float32)
        b = np.full((len(raw), m, 5), -1, np.float32)
        b[:, :, 1:3] = slots[:, :, 1:3]
        b[:, :, 3:5] = slots[:, :, 1:3] + slots[:, :, 3:5]  # x1 = x + width: the box's right edge in pixels
        b[:, :, 0] = slots[:, :, 0]
        b[np.arange(m)[None, :] >= count[:, None]] = -1
        boxes.append(b)
    return torch.from_numpy(np.concatenate(images)), torch.from_numpy(np.concatenate(masks)), torch.from_numpy(np.concatenate(boxes))


def to_input(batch_uint8_nhwc):
    """uint8 NHWC -> normalised float NCHW (channels_last memory format, faster on this CPU)."""
    x = batch_uint8_nhwc.permute(0, 3, 1, 2).float().div_(255.0)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous(memory_format=torch.channels_last)


def augment(x, masks, boxes, gen):
    """Random horizontal and vertical flips of images, masks and boxes together (the shapes' orientation is
    random in the scenes anyway), and a mild per-image brightness/contrast jitter on the normalised batch."""
    n, size = x.shape[0], x.shape[-1]
    flip_h = torch.rand(n, generator=gen) < 0.5
    flip_v = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip_h.view(n, 1, 1, 1), x.flip(3), x)
    x = torch.where(flip_v.view(n, 1, 1, 1), x.flip(2), x)
    masks = torch.where(flip_h.view(n, 1, 1), masks.flip(2), masks)
    masks = torch.where(flip_v.view(n, 1, 1), masks.flip(1), masks)
    boxes = boxes.clone()
    valid = boxes[:, :, 0] >= 0
    for flip, (a, b) in ((flip_h, (1, 3)), (flip_v, (2, 4))):
        sel = flip.view(n, 1) & valid
        lo, hi = boxes[:, :, a].clone(), boxes[:, :, b].clone()
        boxes[:, :, a] = torch.where(sel, size - hi, lo)
        boxes[:, :, b] = torch.where(sel, size - lo, hi)
    gain = 1 + (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.3
    bias = (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.3
    return (x * gain + bias).contiguous(memory_format=torch.channels_last), masks, boxes


def conv_bn_relu(c1, c2, k=3, s=1, d=1):
    return torch.nn.Sequential(
        torch.nn.Conv2d(c1, c2, k, s, d * (k // 2), dilation=d, bias=False), torch.nn.BatchNorm2d(c2), torch.nn.ReLU(inplace=True))


class Residual(torch.nn.Module):
    """Two 3x3 conv-BN layers with an identity shortcut, then ReLU (a ResNet basic block)."""

    def __init__(self, c, d=1):
        super().__init__()
        self.a = conv_bn_relu(c, c, 3, 1, d)
        self.b = torch.nn.Sequential(torch.nn.Conv2d(c, c, 3, 1, d, dilation=d, bias=False), torch.nn.BatchNorm2d(c))

    def forward(self, x):
        return torch.relu(x + self.b(self.a(x)))


TRUNK_WIDTHS = (16, 32, 48, 96)


def trunk(widths=TRUNK_WIDTHS):
    """The CNN trunk both models share in design (not in weights): two stride-2 convs (stride 4), a stride-2 conv
    and a residual block (stride 8: the layer prepare explains by default), a stride-2 conv and a dilated residual
    block (stride 16). About 30 M multiply-adds at 128 x 128: sized for training on a loaded 2-core CPU."""
    c0, c1, c2, c3 = widths
    stem = torch.nn.Sequential(conv_bn_relu(3, c0, 3, 2), conv_bn_relu(c0, c1, 3, 2))
    s8 = torch.nn.Sequential(conv_bn_relu(c1, c2, 3, 2), Residual(c2))
    s16 = torch.nn.Sequential(conv_bn_relu(c2, c3, 3, 2), Residual(c3, 2))
    return stem, s8, s16


def cosine_lr(step, total, peak, warmup):
    import math
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))
