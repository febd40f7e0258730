"""Detection accuracy against ground-truth boxes: precision/recall at a score threshold and IoU 0.5, and
mAP@0.5 (VOC all-point interpolated AP per class, mean over the classes that have ground truth)."""
import numpy as np
import torch
from torchvision.ops import box_iou


def evaluate_detections(predictions, gt_boxes, classes, conf=0.25, iou=0.5):
    """predictions: per image (boxes [K, 4] corners, scores [K], classes [K]); gt_boxes [N, M, 5] (class, x0, y0, x1,
    y1; class -1 unused). Returns precision, recall (score > conf), map50 and ap_per_class."""
    records = [[] for _ in range(classes)]  # per class: (score, true positive)
    gt_count = np.zeros(classes)
    tp_conf = fp_conf = 0
    for (boxes, scores, cls), gt in zip(predictions, gt_boxes):
        gt = gt[gt[:, 0] >= 0]
        for c in gt[:, 0].long().tolist():
            gt_count[c] += 1
        order = scores.argsort(descending=True)
        taken = torch.zeros(len(gt), dtype=torch.bool)
        ious = box_iou(boxes[order], gt[:, 1:]) if len(gt) and len(order) else torch.zeros(len(order), len(gt))
        for rank, k in enumerate(order.tolist()):
            c, s = int(cls[k]), float(scores[k])
            match = -1
            if len(gt):
                cand = ious[rank].clone()
                cand[(gt[:, 0].long() != c) | taken] = -1
                best = int(cand.argmax())
                if cand[best] >= iou:
                    match = best
                    taken[best] = True
            records[c].append((s, match >= 0))
            if s > conf:
                tp_conf += match >= 0
                fp_conf += match < 0
    aps = []
    for c in range(classes):
        if gt_count[c] == 0:
            aps.append(float('nan'))
            continue
        r = sorted(records[c], key=lambda t: -t[0])
        tp = np.cumsum([t[1] for t in r]) if r else np.zeros(0)
        fp = np.cumsum([not t[1] for t in r]) if r else np.zeros(0)
        recall = tp / gt_count[c]
        precision = tp / np.maximum(tp + fp, 1e-9)
        mrec = np.concatenate([[0], recall, [1]])
        mpre = np.concatenate([[1], precision, [0]])
        mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
        i = np.where(mrec[1:] != mrec[:-1])[0]
        aps.append(float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])))
    total_gt = gt_count.sum()
    return {
        'precision': tp_conf / max(1, tp_conf + fp_conf),
        'recall': tp_conf / max(1, total_gt),
        'map50': float(np.nanmean(aps)),
        'ap_per_class': aps,
    }
