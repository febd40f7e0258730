"""Export a PyTorch classifier to ONNX with named target layers, and write PyTorch-autograd references.

Shared by tools/make_fixtures.py (small committed fixtures) and tools/export_torchvision.py (full-size
models under build/). The file format is documented in tools/README.md ("Fixture format").

The oracle: for an image x, logits = f(x); for each target layer A and each seed vector s,
G = d(sum_k s_k * logit_k) / dA, computed by torch.autograd in float64 and stored as float32.
"""
from __future__ import annotations

import collections
import io
import json
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import onnx
import torch
from torch import nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
INPUT_NAME = "input"
LOGITS_NAME = "logits"

# A custom forward: (model, x, captured) -> logits; it may store extra activations in `captured`.
ForwardFn = Callable[[nn.Module, torch.Tensor, Dict[str, torch.Tensor]], torch.Tensor]


@dataclass
class Tap:
    """A target layer: the output of the submodule at `module` (dotted path) gets the ONNX name `tensor`.

    If the model has a custom forward (see TappedModel), `module` may instead be a key that forward
    stores in `captured` (e.g. "F.relu(features)" for DenseNet's functional ReLU).
    """

    tensor: str
    role: str
    module: str


class TappedModel(nn.Module):
    """Wraps a classifier so that forward returns (logits, *tapped activations)."""

    def __init__(self, model: nn.Module, taps: Sequence[Tap], forward: Optional[ForwardFn] = None):
        super().__init__()
        self.model = model
        self.taps = list(taps)
        self.custom_forward = forward

    def forward(self, x: torch.Tensor):
        captured: Dict[str, torch.Tensor] = {}
        calls: Dict[str, int] = collections.Counter()
        handles = []
        for tap in self.taps:
            try:
                module = self.model.get_submodule(tap.module)
            except AttributeError:
                continue  # captured by the custom forward
            handles.append(module.register_forward_hook(_recorder(tap.module, captured, calls)))
        try:
            logits = self.custom_forward(self.model, x, captured) if self.custom_forward else self.model(x)
        finally:
            for handle in handles:
                handle.remove()
        for path, count in calls.items():
            if count != 1:
                raise RuntimeError(f"module {path} ran {count} times; tap a module that runs once")
        return (logits, *[captured[tap.module] for tap in self.taps])


def _recorder(path: str, captured: Dict[str, torch.Tensor], calls: Dict[str, int]):
    def hook(_module, _inputs, output):
        captured[path] = output
        calls[path] += 1

    return hook


def disable_inplace(model: nn.Module) -> None:
    """Turn off in-place activations so a tapped tensor is never overwritten (the ONNX graph is unchanged)."""
    for module in model.modules():
        if hasattr(module, "inplace"):
            module.inplace = False


def randomize_normalization(model: nn.Module, gen: torch.Generator) -> None:
    """Make BatchNorm (running stats, affine) and LayerNorm (affine) non-trivial, like a trained network."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
                module.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))
                module.weight.copy_(0.6 + 0.8 * torch.rand(c, generator=gen))
                module.bias.copy_(torch.randn(c, generator=gen) * 0.2)
            elif isinstance(module, nn.LayerNorm) and module.elementwise_affine:
                shape = module.weight.shape
                module.weight.copy_(0.6 + 0.8 * torch.rand(shape, generator=gen))
                module.bias.copy_(torch.randn(shape, generator=gen) * 0.2)


def image_like_input(height: int, width: int, gen: torch.Generator) -> torch.Tensor:
    """A smooth random RGB image in [0, 1] (low-frequency blobs plus fine noise), ImageNet-normalised, NCHW."""
    coarse = torch.rand(1, 3, max(2, height // 8), max(2, width // 8), generator=gen)
    image = nn.functional.interpolate(coarse, size=(height, width), mode="bilinear", align_corners=False)
    image = (image + 0.08 * torch.randn(1, 3, height, width, generator=gen)).clamp(0.0, 1.0)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (image - mean) / std


def export_onnx(
    wrapper: TappedModel, x: torch.Tensor, opset: int, keep_batchnorm: bool, dynamic_batch: bool = False
) -> onnx.ModelProto:
    """Export the wrapper, then turn the tap outputs back into named intermediate tensors.

    keep_batchnorm=True exports with TrainingMode.PRESERVE (the model is in eval mode), which keeps
    BatchNormalization nodes instead of folding them into the preceding Conv. dynamic_batch=True exports
    the batch as a symbolic dim (dynamic_axes), so reshapes that fold the batch into another axis (torch's
    MultiheadAttention) compute their targets from the input's shape instead of baking in batch 1.
    """
    buffer = io.BytesIO()
    mode = torch.onnx.TrainingMode.PRESERVE if keep_batchnorm else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(
        wrapper,
        x,
        buffer,
        opset_version=opset,
        input_names=[INPUT_NAME],
        output_names=[LOGITS_NAME] + [tap.tensor for tap in wrapper.taps],
        training=mode,
        do_constant_folding=True,
        dynamic_axes={INPUT_NAME: {0: "N"}, LOGITS_NAME: {0: "N"}} if dynamic_batch else None,
    )
    model = onnx.load_from_string(buffer.getvalue())
    names = _drop_tap_outputs(model, [tap.tensor for tap in wrapper.taps])
    for tap, name in zip(wrapper.taps, names):
        tap.tensor = name
    onnx.checker.check_model(model, full_check=True)
    return model


def _drop_tap_outputs(model: onnx.ModelProto, tap_names: List[str]) -> List[str]:
    """Remove the tap graph outputs; return each tap's tensor name on the path to the logits."""
    graph = model.graph
    for output in [o for o in graph.output if o.name in tap_names]:
        graph.output.remove(output)
    producers = {out: node for node in graph.node for out in node.output}
    resolved = []
    for name in tap_names:
        node = producers.get(name)
        # The exporter may add an Identity whose only reader was the graph output: use its input.
        while node is not None and node.op_type == "Identity" and not _readers(graph, name):
            name = node.input[0]
            node = producers.get(name)
        resolved.append(name)
    _remove_dead_nodes(graph)
    live = _ancestors(graph, LOGITS_NAME)
    for name in resolved:
        if name not in live or not _readers(graph, name):
            raise RuntimeError(f"tap tensor {name} does not feed the logits")
    return resolved


def _readers(graph: onnx.GraphProto, name: str) -> List[onnx.NodeProto]:
    return [node for node in graph.node if name in node.input]


def _remove_dead_nodes(graph: onnx.GraphProto) -> None:
    live = set(o.name for o in graph.output)
    keep = []
    for node in reversed(list(graph.node)):
        if any(out in live for out in node.output):
            keep.append(node)
            live.update(i for i in node.input if i)
    dead = [node for node in graph.node if node not in keep]
    for node in dead:
        graph.node.remove(node)


def _ancestors(graph: onnx.GraphProto, name: str) -> set:
    producers = {out: node for node in graph.node for out in node.output}
    seen, stack = set(), [name]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        node = producers.get(current)
        if node is not None:
            stack.extend(i for i in node.input if i)
    return seen


def op_type_counts(model: onnx.ModelProto) -> Dict[str, int]:
    """Node counts per op type (top-level graph), sorted by name."""
    counts = collections.Counter(node.op_type for node in model.graph.node)
    return dict(sorted(counts.items()))


@dataclass
class Reference:
    """PyTorch results for one input: logits, activations per tap, gradients per tap and seed."""

    logits: np.ndarray
    activations: List[np.ndarray]
    gradients: List[List[np.ndarray]]  # [tap][seed]
    fp32_rel_l2: List[List[float]] = field(default_factory=list)  # torch fp32 G vs fp64 G, [tap][seed]


def autograd_reference(wrapper: TappedModel, x: torch.Tensor, seeds: Sequence[torch.Tensor]) -> Reference:
    """Logits, activations and vector-Jacobian products in float64 (plus the fp32 error for scale)."""
    fp32 = _vjp(wrapper.float(), x.float(), seeds)
    fp64 = _vjp(wrapper.double(), x.double(), seeds)
    wrapper.float()
    fp64.fp32_rel_l2 = [
        [_rel_l2(g32, g64) for g32, g64 in zip(row32, row64)] for row32, row64 in zip(fp32.gradients, fp64.gradients)
    ]
    return fp64


def _vjp(wrapper: TappedModel, x: torch.Tensor, seeds: Sequence[torch.Tensor]) -> Reference:
    outputs = wrapper(x)
    logits, activations = outputs[0], list(outputs[1:])
    per_seed = []
    for seed in seeds:
        score = (logits * seed.to(logits.dtype)).sum()
        per_seed.append(torch.autograd.grad(score, activations, retain_graph=True))
    gradients = [[grads[i].detach().numpy() for grads in per_seed] for i in range(len(activations))]
    return Reference(
        logits=logits.detach().numpy(),
        activations=[a.detach().numpy() for a in activations],
        gradients=gradients,
    )


def _rel_l2(approx: np.ndarray, exact: np.ndarray) -> float:
    denom = float(np.linalg.norm(exact.astype(np.float64)))
    diff = float(np.linalg.norm(approx.astype(np.float64) - exact.astype(np.float64)))
    return diff / denom if denom > 0 else diff


def make_seeds(logits: torch.Tensor, gen: torch.Generator) -> List[torch.Tensor]:
    """Seed 0: one-hot of the top-1 class; seed 1: a dense standard-normal vector. Both shaped [1, K]."""
    k = logits.shape[1]
    onehot = torch.zeros(1, k)
    onehot[0, int(logits.argmax())] = 1.0
    dense = torch.randn(1, k, generator=gen)
    return [onehot, dense]


def write_f32(directory: str, filename: str, array: np.ndarray) -> Dict[str, object]:
    """Write raw little-endian float32; return {file, shape}."""
    data = np.ascontiguousarray(array, dtype="<f4")
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{filename}: non-finite values")
    data.tofile(os.path.join(directory, filename))
    return {"file": filename, "shape": list(array.shape)}


def write_fixture(
    directory: str,
    name: str,
    onnx_file: str,
    opset: int,
    x: torch.Tensor,
    seeds: Sequence[torch.Tensor],
    taps: Sequence[Tap],
    ref: Reference,
    extra: Dict[str, object],
) -> Dict[str, object]:
    """Write input, logits, seeds, A and G files and fixture.json into `directory`; return the JSON."""
    os.makedirs(directory, exist_ok=True)
    seed_kinds = ["onehot-top1", "dense-normal"]
    layers = []
    for i, tap in enumerate(taps):
        stem = f"layer_{tap.role}"
        grads = [write_f32(directory, f"{stem}.grad{s}.bin", g)["file"] for s, g in enumerate(ref.gradients[i])]
        layers.append(
            {
                "tensor": tap.tensor,
                "role": tap.role,
                "torch_module": tap.module,
                "shape": list(ref.activations[i].shape),
                "activation": write_f32(directory, f"{stem}.act.bin", ref.activations[i])["file"],
                "gradients": grads,
                "torch_fp32_rel_l2": [float(f"{e:.3g}") for e in ref.fp32_rel_l2[i]],
            }
        )
    doc = {
        "format": "gradcam-edge-fixture/1",
        "name": name,
        "opset": opset,
        "onnx": onnx_file,
        "input": {
            "name": INPUT_NAME,
            "layout": "NCHW",
            "mean": list(IMAGENET_MEAN),
            "std": list(IMAGENET_STD),
            **write_f32(directory, "input.bin", x.numpy()),
        },
        "logits": {"name": LOGITS_NAME, **write_f32(directory, "logits.bin", ref.logits)},
        "top1": int(np.argmax(ref.logits)),
        "seeds": [
            {"kind": kind, **write_f32(directory, f"seed{s}.bin", seed.numpy())}
            for s, (kind, seed) in enumerate(zip(seed_kinds, seeds))
        ],
        "layers": layers,
        **extra,
    }
    with open(os.path.join(directory, "fixture.json"), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return doc
