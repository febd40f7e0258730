#!/bin/sh
# Re-creates the default model from scratch (see models/MODELS.md):
#   1. generate the training and validation shards (TypeScript scene generator),
#   2. train MobileNetV2 on CPU and export models/default-fp32.onnx + models/default.labels.json,
#   3. prepare the served model (gradient graph + int8) with the project's prepare CLI.
# Usage: sh tools/make_default_model.sh [epochs]   (from the repository root; ~75 min on 2 cores for the default 9 epochs)
set -eu
EPOCHS="${1:-9}"
mkdir -p build
npx tsx tools/make-scenes.ts --out build/scenes --size 128 --train 40000 --val 2000
nice /usr/bin/python3 tools/train_default_model.py --epochs "$EPOCHS" --scenes build/scenes \
  --onnx models/default-fp32.onnx --labels models/default.labels.json \
  --state build/default-model.pt --summary build/train-summary.json 2>&1 | tee build/train.log
# Step 3: --input-gradients adds the image input with plain and guided gradients (own seeds, so Grad-CAM
# runs do not pay for them) for method=saliency, smoothgrad, guided-gradcam. The mean/std below are the ones the
# training script normalises with (RGB/255, then (x - mean) / std); input 128 x 128, stretch, no crop.
npx gradcam-edge prepare models/default-fp32.onnx --out models/default.onnx --quantize int8 \
  --labels models/default.labels.json --mean 0.5,0.5,0.5 --std 0.25,0.25,0.25 --input-gradients
