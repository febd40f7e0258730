#!/usr/bin/env python3
"""Independent reference for Network Dissection's threshold and IoU code (src/dissect/quantile.ts, tally.ts).

Writes test/fixtures/dissect/reference.json: random activations of a few units over a few images, random
concept masks, and what numpy/PyTorch compute from them:
  thresholds[k] = np.quantile(all activations of unit k, 1 - q)            (numpy's default linear method)
  on = F.interpolate(A, size=(H, W), mode='bilinear', align_corners=True) > thresholds
  iou[k][c] = sum_images |on_k & mask_c| / sum_images |on_k | mask_c|
Run: python3 tools/dissect-reference.py   (needs numpy and torch; tests only read the JSON)
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20261203)
N, C, h, w, H, W, K = 4, 5, 3, 4, 9, 11, 3
Q = 0.1

acts = rng.normal(size=(N, C, h, w)).astype(np.float32)
acts[:, 1] = np.abs(acts[:, 1])  # a non-negative unit, as after a ReLU
masks = np.zeros((N, K, H, W), dtype=np.uint8)
for n in range(N):
    for c in range(K):
        y0, x0 = rng.integers(0, H - 3), rng.integers(0, W - 3)
        masks[n, c, y0:y0 + rng.integers(2, 6), x0:x0 + rng.integers(2, 7)] = 1
masks[1, 2] = 0  # concept 2 absent from image 1

thresholds = np.array([np.quantile(acts[:, k].astype(np.float64).ravel(), 1 - Q) for k in range(C)])
up = F.interpolate(torch.from_numpy(acts.astype(np.float64)), size=(H, W), mode='bilinear', align_corners=True).numpy()
on = up > thresholds[None, :, None, None]
inter = np.einsum('nkhw,nchw->kc', on.astype(np.float64), masks.astype(np.float64))
union = on.sum(axis=(0, 2, 3))[:, None] + masks.sum(axis=(0, 2, 3))[None, :] - inter
iou = np.where(union > 0, inter / np.maximum(union, 1), 0.0)

out = {
    'note': 'written by tools/dissect-reference.py; do not edit',
    'n': N, 'c': C, 'h': h, 'w': w, 'H': H, 'W': W, 'k': K, 'q': Q,
    'activations': [float(v) for v in acts.ravel()],
    'masks': [[[int(v) for v in masks[n, c].ravel()] if masks[n, c].any() else None for c in range(K)] for n in range(N)],
    'thresholds': thresholds.tolist(),
    'iou': iou.tolist(),
}
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'dissect', 'reference.json')
with open(path, 'w') as f:
    json.dump(out, f)
    f.write('\n')
print('wrote', os.path.normpath(path), 'iou max', iou.max())
