#!/usr/bin/python3
"""Generate the committed PyTorch-autograd fixtures in test/fixtures/models/<name>/.

Each fixture is a small, random-weight classifier built from torchvision's own classes and blocks (reduced
width, depth and input size), exported to ONNX with two named target layers, plus PyTorch float64
references: logits, and for each layer the activation A and G = d(sum_k seed_k * logit_k)/dA for two seeds.
Format: tools/README.md. Deterministic (fixed seeds). Needs Debian's python3-torch, python3-torchvision,
python3-onnx.

    nice /usr/bin/python3 tools/make_fixtures.py [--only NAME ...] [--out DIR]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass
from functools import partial
from typing import Callable, Dict, List, Optional, Sequence

import onnx
import torch
import torch.nn.functional as F
import torchvision
from torch import nn
from torchvision.models.convnext import CNBlock, CNBlockConfig, ConvNeXt
from torchvision.models.densenet import DenseNet
from torchvision.models.efficientnet import EfficientNet, MBConvConfig
from torchvision.models.mobilenetv2 import MobileNetV2
from torchvision.models.mobilenetv3 import InvertedResidualConfig, MobileNetV3
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from torchvision.models.shufflenetv2 import ShuffleNetV2
from torchvision.models.squeezenet import Fire, SqueezeNet
from torchvision.models.vgg import VGG, make_layers
from torchvision.ops.misc import Conv2dNormActivation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_fixture as tf  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "test", "fixtures", "models")


@dataclass
class Spec:
    """One fixture: how to build the model, its input size, opset, target layers (module paths)."""

    name: str
    build: Callable[[], nn.Module]
    size: int  # square input, 3 x size x size
    opset: int
    default: str
    mid: str
    seed: int
    keep_batchnorm: bool = False
    forward: Optional[tf.ForwardFn] = None
    notes: str = ""


# ---- architectures (torchvision classes with reduced widths; forward() is torchvision's own) ----------


class SlimResNet(ResNet):
    """torchvision ResNet with configurable stage widths (its __init__ hard-codes 64..512)."""

    def __init__(self, block, layers, widths, num_classes, groups=1, width_per_group=64, dilate=(False,) * 3):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation = widths[0], 1
        self.groups, self.base_width = groups, width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, widths[0], layers[0])
        self.layer2 = self._make_layer(block, widths[1], layers[1], stride=2, dilate=dilate[0])
        self.layer3 = self._make_layer(block, widths[2], layers[2], stride=2, dilate=dilate[1])
        self.layer4 = self._make_layer(block, widths[3], layers[3], stride=2, dilate=dilate[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


class SlimVGG(VGG):
    """torchvision VGG with a narrow classifier (its __init__ hard-codes 512*7*7 -> 4096 -> 4096)."""

    def __init__(self, features, channels, hidden, num_classes):
        nn.Module.__init__(self)
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(channels * 7 * 7, hidden),
            nn.ReLU(True),
            nn.Dropout(p=0.5),
            nn.Linear(hidden, hidden),
            nn.ReLU(True),
            nn.Dropout(p=0.5),
            nn.Linear(hidden, num_classes),
        )
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.constant_(m.bias, 0.0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 1.0 / math.sqrt(m.in_features))
                nn.init.constant_(m.bias, 0.0)


def fan_in_linear_init(model: nn.Module) -> None:
    """Re-initialise Linear layers with std 1/sqrt(fan_in) so that logits have a useful spread."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 1.0 / math.sqrt(m.in_features))
            nn.init.normal_(m.bias, 0.0, 0.1)


def resnet_basic() -> nn.Module:
    return SlimResNet(BasicBlock, [1, 1, 1, 1], [8, 16, 32, 64], num_classes=10)


def resnet_bottleneck() -> nn.Module:
    # ResNeXt-style grouped 3x3 (groups=2) and a dilated layer4 (replace_stride_with_dilation), both
    # torchvision options of the Bottleneck ResNet.
    return SlimResNet(
        Bottleneck, [1, 1, 1, 1], [8, 16, 32, 32], num_classes=12, groups=2, width_per_group=32,
        dilate=(False, False, True),
    )


def mobilenet_v2() -> nn.Module:
    setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2], [6, 64, 1, 2], [6, 96, 1, 1]]
    model = MobileNetV2(num_classes=10, width_mult=0.5, inverted_residual_setting=setting)
    last_in = model.features[-1][0].in_channels  # swap the hard-coded 1280-wide last conv for 128
    model.features[-1] = Conv2dNormActivation(last_in, 128, kernel_size=1, activation_layer=nn.ReLU6)
    model.last_channel = 128
    model.classifier[1] = nn.Linear(128, 10)
    nn.init.kaiming_normal_(model.features[-1][0].weight, mode="fan_out")
    nn.init.normal_(model.classifier[1].weight, 0, 0.05)
    return model


def mobilenet_v3() -> nn.Module:
    conf = partial(InvertedResidualConfig, width_mult=0.5)
    setting = [
        conf(16, 3, 16, 16, True, "RE", 2, 1),
        conf(16, 3, 72, 24, False, "RE", 2, 1),
        conf(24, 3, 88, 24, False, "RE", 1, 1),
        conf(24, 5, 96, 40, True, "HS", 2, 1),
        conf(40, 5, 240, 40, True, "HS", 1, 1),
    ]
    model = MobileNetV3(setting, last_channel=64, num_classes=12)
    fan_in_linear_init(model)  # torchvision's N(0, 0.01) classifier gives logits ~1e-3
    return model


def efficientnet() -> nn.Module:
    setting = [
        MBConvConfig(1, 3, 1, 16, 16, 1),
        MBConvConfig(6, 3, 2, 16, 24, 2),
        MBConvConfig(6, 5, 2, 24, 40, 1),
        MBConvConfig(6, 3, 2, 40, 48, 1),
    ]
    return EfficientNet(setting, dropout=0.2, stochastic_depth_prob=0.2, num_classes=10, last_channel=128)


def densenet() -> nn.Module:
    return DenseNet(growth_rate=8, block_config=(2, 2, 2), num_init_features=16, bn_size=2, num_classes=10)


def densenet_forward(model: nn.Module, x: torch.Tensor, captured: Dict[str, torch.Tensor]) -> torch.Tensor:
    """DenseNet.forward, with the functional ReLU's output (the default layer) recorded."""
    features = model.features(x)
    out = F.relu(features)
    captured["F.relu(features)"] = out
    out = F.adaptive_avg_pool2d(out, (1, 1))
    out = torch.flatten(out, 1)
    return model.classifier(out)


VGG_CFG = [8, "M", 16, "M", 32, 32, "M"]


def vgg_bn() -> nn.Module:
    return SlimVGG(make_layers(VGG_CFG, batch_norm=True), channels=32, hidden=32, num_classes=10)


def vgg_overlap() -> nn.Module:
    features = make_layers(VGG_CFG, batch_norm=False)
    for i, layer in enumerate(features):
        if isinstance(layer, nn.MaxPool2d):
            features[i] = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)  # overlapping windows
    return SlimVGG(features, channels=32, hidden=32, num_classes=10)


def squeezenet() -> nn.Module:
    model = SqueezeNet("1_1", num_classes=10)
    model.features = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=3, stride=2),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        Fire(16, 4, 8, 8),
        Fire(16, 4, 8, 8),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        Fire(16, 8, 16, 16),
        Fire(32, 8, 16, 16),
        nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
        Fire(32, 8, 24, 24),
        Fire(48, 8, 24, 24),
    )
    final_conv = nn.Conv2d(48, 10, kernel_size=1)
    model.classifier[1] = final_conv
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            if m is final_conv:
                nn.init.normal_(m.weight, mean=0.0, std=0.2)
                nn.init.constant_(m.bias, 0.1)
            else:
                nn.init.kaiming_uniform_(m.weight)
                nn.init.constant_(m.bias, 0.0)
    return model


def shufflenet_v2() -> nn.Module:
    model = ShuffleNetV2([2, 2, 1], [8, 16, 32, 64, 128], num_classes=10)
    fan_in_linear_init(model)
    return model


def convnext() -> nn.Module:
    setting = [CNBlockConfig(16, 32, 1), CNBlockConfig(32, 64, 1), CNBlockConfig(64, None, 2)]
    model = ConvNeXt(setting, stochastic_depth_prob=0.1, layer_scale=0.5, num_classes=16)
    # torchvision's std=0.02 init leaves GELU almost linear: use fan-in scaling and non-trivial layer scale.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                nn.init.trunc_normal_(m.weight, std=1.0 / math.sqrt(fan_in), a=-2.0 / math.sqrt(fan_in),
                                      b=2.0 / math.sqrt(fan_in))
                nn.init.normal_(m.bias, 0.0, 0.1)
            elif isinstance(m, CNBlock):
                m.layer_scale.uniform_(0.2, 1.0)
    return model


SPECS: List[Spec] = [
    Spec("resnet_basic", resnet_basic, 96, 13, "layer4", "relu", 101, keep_batchnorm=True,
         notes="BasicBlock [1,1,1,1], widths 8-64; BatchNormalization kept; mid = stem ReLU, before the "
               "overlapping 3x3/2 MaxPool"),
    Spec("resnet_bottleneck", resnet_bottleneck, 64, 15, "layer4", "layer2", 102,
         notes="Bottleneck [1,1,1,1], groups=2 (ResNeXt-style), layer4 dilated (dilation 2, stride 1)"),
    Spec("mobilenet_v2", mobilenet_v2, 64, 14, "features", "features.3", 103, keep_batchnorm=True,
         notes="width 0.5, 5 stages, last conv 128 wide; ReLU6 = Clip; BatchNormalization kept"),
    Spec("mobilenet_v3", mobilenet_v3, 64, 15, "features", "features.1", 104,
         notes="small-style config at width 0.5: ReLU and HardSwish blocks, squeeze-excitation with "
               "HardSigmoid, classifier Linear-HardSwish-Linear"),
    Spec("efficientnet", efficientnet, 64, 16, "features", "features.2", 105,
         notes="EfficientNet-B0-style MBConv stages (SiLU, SE with Sigmoid), last conv 128"),
    Spec("densenet", densenet, 64, 14, "F.relu(features)", "features.denseblock1", 106, forward=densenet_forward,
         notes="growth 8, blocks (2,2,2); default = functional ReLU after features; BN after Concat stays"),
    Spec("vgg_bn", vgg_bn, 56, 15, "features", "features.6", 107,
         notes="VGG with BN, cfg [8,M,16,M,32,32,M], 56x56 input so AdaptiveAvgPool(7,7) is 1x1 AveragePool"),
    Spec("vgg_overlap", vgg_overlap, 56, 17, "features", "features.4", 108,
         notes="variant: VGG without BN whose MaxPools are 3x3 stride 2 pad 1 (overlapping windows)"),
    Spec("squeezenet", squeezenet, 66, 16, "classifier.2", "features.4", 109,
         notes="SqueezeNet 1.1 layout with narrow Fire modules; MaxPool ceil_mode (66x66 so ceil matters); "
               "default = ReLU after the final 1x1 conv, feeding the global pooling"),
    Spec("shufflenet_v2", shufflenet_v2, 80, 13, "conv5", "stage2", 110,
         notes="stages [2,2,1], channels [8,16,32,64,128]; channel shuffle, chunk; mean([2,3]) pooling"),
    Spec("convnext_ln17", convnext, 64, 17, "features", "features.1", 111,
         notes="ConvNeXt stages (16,32,64); opset 17 exports LayerNormalization; GELU via Erf"),
    Spec("convnext_ln13", convnext, 64, 13, "features", "features.1", 112,
         notes="same architecture, other weights; opset 13 exports LayerNorm decomposed (ReduceMean, Pow, Sqrt)"),
]


def make_fixture(spec: Spec, out_root: str) -> Dict[str, object]:
    """Build, export and write one fixture; return a summary for the report."""
    started = time.time()
    torch.manual_seed(spec.seed)
    gen = torch.Generator().manual_seed(spec.seed)
    model = spec.build()
    tf.randomize_normalization(model, gen)
    tf.disable_inplace(model)
    model.eval()
    taps = [tf.Tap("layer_default", "default", spec.default), tf.Tap("layer_mid", "mid", spec.mid)]
    wrapper = tf.TappedModel(model, taps, spec.forward).eval()
    x = tf.image_like_input(spec.size, spec.size, gen)

    directory = os.path.join(out_root, spec.name)
    os.makedirs(directory, exist_ok=True)
    proto = tf.export_onnx(wrapper, x, spec.opset, spec.keep_batchnorm)
    onnx.save(proto, os.path.join(directory, "model.onnx"))

    with torch.no_grad():
        logits = wrapper(x)[0]
    seeds = tf.make_seeds(logits, gen)
    ref = tf.autograd_reference(wrapper, x, seeds)
    ops = tf.op_type_counts(proto)
    extra = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "generator": "tools/make_fixtures.py",
        "parameters": sum(p.numel() for p in model.parameters()),
        "op_types": ops,
        "notes": spec.notes,
    }
    doc = tf.write_fixture(directory, spec.name, "model.onnx", spec.opset, x, seeds, taps, ref, extra)
    size = sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
    return {"doc": doc, "bytes": size, "seconds": time.time() - started}


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="fixture names to regenerate")
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    chosen = [s for s in SPECS if not args.only or s.name in args.only]
    total, started = 0, time.time()
    for spec in chosen:
        summary = make_fixture(spec, args.out)
        total += summary["bytes"]
        print_summary(summary)
    print(f"{len(chosen)} fixtures, {total / 1e6:.2f} MB, {time.time() - started:.1f} s")


def print_summary(summary: Dict[str, object]) -> None:
    doc = summary["doc"]
    layers = ", ".join(f"{l['role']}={l['tensor']} {l['shape']} ({l['torch_module']})" for l in doc["layers"])
    fp32 = max(e for l in doc["layers"] for e in l["torch_fp32_rel_l2"])
    print(f"== {doc['name']}: opset {doc['opset']}, input {doc['input']['shape']}, {doc['parameters']} params, "
          f"{summary['bytes'] / 1e3:.0f} kB, {summary['seconds']:.1f} s, top1 {doc['top1']}, "
          f"max torch-fp32 rel L2 of G {fp32:.1e}")
    print(f"   layers: {layers}")
    print(f"   ops: {' '.join(f'{k}:{v}' for k, v in doc['op_types'].items())}")


if __name__ == "__main__":
    main(sys.argv[1:])
