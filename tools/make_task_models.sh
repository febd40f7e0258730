#!/bin/sh
# Re-creates the bundled scene detector and segmenter from scratch (see models/MODELS.md):
#   1. generate the multi-object training and validation shards (TypeScript scene generator),
#   2. train both models on CPU (PyTorch) and export models/scenes-{detector,segmenter}-fp32.onnx + labels,
#   3. prepare the served models (gradient graph + int8 weights) with the project's prepare CLI.
# Usage (from the repository root):
#   sh tools/make_task_models.sh            # all three steps (~1 h of training on a loaded 2-core machine)
#   sh tools/make_task_models.sh prepare    # step 3 only, from the committed fp32 models
set -eu
STEP="${1:-all}"
if [ "$STEP" = all ]; then
  mkdir -p build
  npx tsx tools/make-task-scenes.ts --out build/task-scenes --size 128 --train 16000 --val 1000
  # The detector first (4 epochs, ~40 min); the segmenter then starts from the detector's trunk (1 epoch, ~10 min).
  nice -n 19 /usr/bin/python3 tools/train_scene_detector.py --scenes build/task-scenes --threads 1 --epochs 4 \
    --state build/scenes-detector.pt > build/train-scenes-detector.log 2>&1
  nice -n 19 /usr/bin/python3 tools/train_scene_segmenter.py --scenes build/task-scenes --threads 1 --epochs 1 \
    --init-trunk build/scenes-detector.pt --state build/scenes-segmenter-e1.pt > build/train-scenes-segmenter-e1.log 2>&1
  # Then a second cosine cycle planned for 2 epochs, stopped after the first (the session's time ran out).
  nice -n 19 /usr/bin/python3 tools/train_scene_segmenter.py --scenes build/task-scenes --threads 1 --epochs 2 \
    --stop-after 1 --resume build/scenes-segmenter-e1.pt > build/train-scenes-segmenter.log 2>&1
fi
# Step 3: the mean/std are the training scripts' (RGB/255, then (x - mean) / std); input 128 x 128, stretch.
# Default layers: the trunk's stride-8 stage (16 x 16), the deepest activation every path goes through.
npx gradcam-edge prepare models/scenes-detector-fp32.onnx --out models/scenes-detector.onnx --quantize int8 \
  --task detect --labels models/scenes-detector.labels.json --mean 0.5,0.5,0.5 --std 0.25,0.25,0.25
npx gradcam-edge prepare models/scenes-segmenter-fp32.onnx --out models/scenes-segmenter.onnx --quantize int8 \
  --task segment --labels models/scenes-segmenter.labels.json --mean 0.5,0.5,0.5 --std 0.25,0.25,0.25
