#!/bin/sh
# Re-creates the bundled vision transformer `scenes-vit` from scratch (see models/MODELS.md):
#   1. generate the training and validation shards (the same as the default model's; skipped when
#      build/scenes/manifest.json exists),
#   2. train a small hybrid torchvision VisionTransformer on CPU (tools/train_default_model.py --arch vit-hybrid:
#      4 transformer blocks on the default model's frozen MobileNetV2 features, read from
#      models/default-fp32.onnx) and export models/scenes-vit-fp32.onnx (opset 17, symbolic batch) +
#      models/scenes-vit.labels.json,
#   3. prepare the served model (gradient graph + int8, attention outputs) with the project's prepare CLI.
# Usage: sh tools/make_vit_model.sh [train-scenes]   (from the repository root; default 16000 scenes, one pass,
#        ~15 min of training on this shared 2-core machine at nice 19)
set -eu
TRAIN_SCENES="${1:-16000}"
mkdir -p build
if [ ! -f build/scenes/manifest.json ]; then
  npx tsx tools/make-scenes.ts --out build/scenes --size 128 --train 40000 --val 2000
fi
# Debian's torch calls the reference BLAS (libblas3) for Linear layers and matrix products: a transformer trains
# ~6x faster on OpenBLAS (`apt-get install libopenblas0-openmp`), used here for this process only when installed.
OPENBLAS=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [ -f "$OPENBLAS/libblas.so.3" ]; then
  export LD_LIBRARY_PATH="$OPENBLAS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
nice -n 19 /usr/bin/python3 tools/train_default_model.py --arch vit-hybrid --backbone models/default-fp32.onnx \
  --epochs 1 --train-scenes "$TRAIN_SCENES" --eval-every 84 --scenes build/scenes --onnx models/scenes-vit-fp32.onnx \
  --labels models/scenes-vit.labels.json \
  --state build/scenes-vit.pt --summary build/scenes-vit-summary.json 2>&1 | tee build/train-vit.log
# Step 3: the default layer is the last block's ln_1 (tokens 1+8x8: the class token dropped, the 64 patch tokens
# reshaped to the 8 x 8 grid inside the graph). --attention gradients outputs every block's attention
# probabilities and their gradients (method=rollout and method=attention-gradcam); --input-gradients the image
# input's plain and guided gradients (method=saliency, smoothgrad, guided-gradcam), as for the default model.
# mean/std as the training script normalises (RGB/255, then (x - mean) / std); input 128 x 128, stretch, no crop.
npx gradcam-edge prepare models/scenes-vit-fp32.onnx --out models/scenes-vit.onnx --quantize int8 \
  --labels models/scenes-vit.labels.json --mean 0.5,0.5,0.5 --std 0.25,0.25,0.25 \
  --attention gradients --input-gradients
