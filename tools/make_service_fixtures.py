#!/usr/bin/python3
"""Hand-prepared models for the explain service's tests (and a temporary default model).

Until the prepare tool (src/prepare) produces them, these models honour the prepared-model contract of
src/manifest.ts by construction: the gradient outputs are written in closed form, which is possible for
layers near the head, and each is checked here against PyTorch autograd before export.

- test/fixtures/prepared/tiny.onnx + tiny.json: conv(3->8,s2) ReLU conv(8->16,s2) ReLU GAP FC(16->10),
  64x64 input, two layers ("relu1" 8x32x32 and "relu2" 16x16x16, the default), random weights.
  G(relu2) = W_fc^T seed / (h w) broadcast over positions; G(relu1) = conv_transpose(G(relu2) * [pre2 > 0]).
- models/default.onnx + default.json (TEMPORARY, only with --default): torchvision MobileNetV2 width 0.5
  with the default model's settings (128 px, output stride 16), random weights, 10 classes, one layer (the
  last feature map); replaced by the trained, prepared default model.

Usage: /usr/bin/python3 tools/make_service_fixtures.py [--default]
"""
import hashlib
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

SEED = 7
LABELS = ['circle', 'square', 'triangle', 'star', 'cross', 'ring', 'heart', 'hexagon', 'moon', 'arrow']


class TinyPrepared(nn.Module):
    """A tiny CNN with closed-form gradients of seed . logits at its two ReLU outputs."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x, seed):
        a1 = F.relu(self.conv1(x))
        pre2 = self.conv2(a1)
        a2 = F.relu(pre2)
        logits = self.fc(a2.mean((2, 3)))
        hw = a2.shape[2] * a2.shape[3]
        g2 = (seed @ self.fc.weight / hw)[:, :, None, None] * torch.ones_like(a2[:1])
        g1 = F.conv_transpose2d(g2 * (pre2 > 0).float(), self.conv2.weight, stride=2, padding=1, output_padding=1)
        return logits, a1, g1, a2, g2


class MobileNetPrepared(nn.Module):
    """MobileNetV2 with the closed-form gradient at the last feature map (GAP + linear head)."""

    def __init__(self, net):
        super().__init__()
        self.features = net.features
        self.fc = net.classifier[1]

    def forward(self, x, seed):
        a = self.features(x)
        logits = self.fc(a.mean((2, 3)))
        hw = a.shape[2] * a.shape[3]
        g = (seed @ self.fc.weight / hw)[:, :, None, None] * torch.ones_like(a[:1])
        return logits, a, g


def check_gradients(model, x, names):
    """Compare every closed-form gradient with autograd for a one-hot seed of each class."""
    for k in range(10):
        seed = torch.zeros(1, 10)
        seed[0, k] = 1
        outs = model(x, seed)
        acts = [outs[1 + 2 * i] for i in range(len(names))]
        grads = torch.autograd.grad((outs[0] * seed).sum(), acts)
        for name, g_auto, g_closed in zip(names, grads, [outs[2 + 2 * i] for i in range(len(names))]):
            err = (g_auto - g_closed).abs().max().item()
            scale = g_auto.abs().max().item() + 1e-12
            assert err <= 1e-5 * max(1.0, scale), f'{name} class {k}: max error {err}'


def export(model, size, names, onnx_path, json_path, mean, std):
    torch.manual_seed(SEED)
    x = torch.rand(1, 3, size, size)
    check_gradients(model, x, names)
    outputs = ['logits'] + [n for name in names for n in (f'{name}/activation', f'{name}/gradient')]
    dynamic = {'input': {0: 'N'}, 'gradcam_seed': {0: 'S'}, 'logits': {0: 'N'}}
    for name in names:
        dynamic[f'{name}/activation'] = {0: 'N'}
        dynamic[f'{name}/gradient'] = {0: 'S'}
    torch.onnx.export(model, (x, torch.eye(10)[:1]), onnx_path, input_names=['input', 'gradcam_seed'],
                      output_names=outputs, dynamic_axes=dynamic, opset_version=13)
    data = open(onnx_path, 'rb').read()
    sha = hashlib.sha256(data).hexdigest()
    outs = model(x, torch.eye(10)[:1])
    layers = []
    for i, name in enumerate(names):
        shape = ['N'] + list(outs[1 + 2 * i].shape[1:])
        layers.append({'name': name, 'activation': f'{name}/activation', 'gradient': f'{name}/gradient',
                       'shape': shape, **({'default': True} if i == len(names) - 1 else {})})
    manifest = {
        'format': 'gradcam-edge/1',
        'input': {'name': 'input', 'shape': ['N', 3, size, size], 'layout': 'NCHW', 'mean': mean, 'std': std,
                  'resize': 'stretch', 'crop': 'none', 'background': [255, 255, 255]},
        'seed': {'name': 'gradcam_seed', 'shape': ['S', 10]},
        'logits': {'name': 'logits'},
        'layers': layers,
        'labels': LABELS,
        'quantization': {'weights': 'none'},
        'source': {'sha256': sha, 'file': 'tools/make_service_fixtures.py (hand-prepared, random weights)'},
        'sha256': sha,
        'opset': 13,
        'producer': {'name': 'tools/make_service_fixtures.py', 'version': '1'},
    }
    with open(json_path, 'w') as fh:
        json.dump(manifest, fh, indent=2)
        fh.write('\n')
    print(f'{onnx_path}: {len(data)} bytes, sha256 {sha}')


def main():
    torch.manual_seed(SEED)
    tiny = TinyPrepared().eval()
    export(tiny, 64, ['relu1', 'relu2'], 'test/fixtures/prepared/tiny.onnx', 'test/fixtures/prepared/tiny.json',
           [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    if '--default' in sys.argv:
        setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 1],
                   [6, 320, 1, 1]]
        torch.manual_seed(SEED)
        net = torchvision.models.mobilenet_v2(num_classes=10, width_mult=0.5,
                                              inverted_residual_setting=setting).eval()
        export(MobileNetPrepared(net).eval(), 128, ['features'], 'models/default.onnx', 'models/default.json',
               [0.5, 0.5, 0.5], [0.25, 0.25, 0.25])


if __name__ == '__main__':
    main()
