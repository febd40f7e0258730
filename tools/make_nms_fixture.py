"""NMS and YOLO-output decoding oracles for src/tasks (torchvision.ops.nms / batched_nms).

Writes test/fixtures/tasks/nms.json:
- "nms": random clustered boxes with scores and classes, and the indices torchvision keeps with `nms`
  (class-agnostic) and `batched_nms` (per class) at several IoU thresholds;
- "decode": dense detector outputs in the three layouts ([1, 4 + C, A], [1, A, 4 + C], [1, A, 5 + C]) and
  the detections of an ultralytics-style post-processing written here in torch (best class per anchor,
  score > conf, objectness * class score for the objectness layout, xywh -> xyxy, batched_nms, max_det).

Values are rounded to 4 decimals and both sides compute in float64, so no float32 rounding can move an IoU
across a threshold. Deterministic (seeded). Run: nice /usr/bin/python3 tools/make_nms_fixture.py
"""
import json
import os

import numpy as np
import torch
from torchvision.ops import batched_nms, nms

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "tasks", "nms.json")
rng = np.random.default_rng(20261203)


def r4(a):
    return np.round(np.asarray(a, dtype=np.float64), 4)


def clustered_boxes(n, clusters=6, size=200.0):
    centres = rng.uniform(30, size - 30, (clusters, 2))
    which = rng.integers(0, clusters, n)
    cxcy = centres[which] + rng.normal(0, 6, (n, 2))
    wh = rng.uniform(15, 60, (n, 2))
    return r4(np.concatenate([cxcy, wh], 1))


def xyxy(b):
    return np.concatenate([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], 1)


def nms_cases():
    cases = []
    for n, classes in [(40, 3), (120, 4), (300, 2)]:
        boxes = r4(xyxy(clustered_boxes(n)))
        scores = r4(rng.permutation(np.linspace(0.05, 0.99, n)))
        cls = rng.integers(0, classes, n)
        tb, ts, tc = torch.tensor(boxes), torch.tensor(scores), torch.tensor(cls)
        for thr in [0.3, 0.45, 0.7]:
            cases.append({
                "boxes": boxes.tolist(), "scores": scores.tolist(), "classes": cls.tolist(), "iou": thr,
                "keep": nms(tb, ts, thr).tolist(), "keepBatched": batched_nms(tb, ts, tc, thr).tolist(),
            })
    return cases


def postprocess(rows, classes, objectness, conf, iou, max_det):
    """rows: [A, 4 (+1) + C] float64. Returns detections as ultralytics' non_max_suppression keeps them."""
    first = 5 if objectness else 4
    cls_scores = rows[:, first:]
    if objectness:
        obj = rows[:, 4:5]
        keep = obj[:, 0] > conf
        cls_scores = cls_scores * obj
    else:
        keep = torch.ones(rows.shape[0], dtype=torch.bool)
    score, label = cls_scores.max(1)
    keep = keep & (score > conf)
    idx = torch.nonzero(keep)[:, 0]
    b = rows[idx, :4]
    boxes = torch.cat([b[:, :2] - b[:, 2:] / 2, b[:, :2] + b[:, 2:] / 2], 1)
    kept = batched_nms(boxes, score[idx], label[idx], iou)[:max_det]
    return [{"anchor": int(idx[k]), "classIndex": int(label[idx[k]]), "score": float(score[idx[k]]),
             "box": boxes[k].tolist()} for k in kept]


def decode_cases():
    cases = []
    for layout, anchors, classes, conf, iou, max_det in [
        ("channels-first", 240, 3, 0.25, 0.45, 300),
        ("anchors-first", 200, 4, 0.3, 0.5, 10),
        ("anchors-first-objectness", 220, 3, 0.25, 0.45, 300),
    ]:
        objectness = layout.endswith("objectness")
        boxes = clustered_boxes(anchors)
        cls = r4(rng.uniform(0, 1, (anchors, classes)) ** 3)
        parts = [boxes] + ([r4(rng.uniform(0, 1, (anchors, 1)))] if objectness else []) + [cls]
        rows = np.concatenate(parts, 1)
        dense = rows.T if layout == "channels-first" else rows
        cases.append({
            "layout": layout, "classes": classes, "anchors": anchors, "conf": conf, "iou": iou, "maxDet": max_det,
            "output": dense.reshape(-1).tolist(),
            "expected": postprocess(torch.tensor(rows), classes, objectness, conf, iou, max_det),
        })
    return cases


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    data = {"torch": torch.__version__, "nms": nms_cases(), "decode": decode_cases()}
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(OUT, os.path.getsize(OUT), "bytes;", [len(c["keep"]) for c in data["nms"]], [len(c["expected"]) for c in data["decode"]])


if __name__ == "__main__":
    main()
