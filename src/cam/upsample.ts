/**
 * @module
 * Bilinear upsampling with aligned corners (PyTorch `nn.UpsamplingBilinear2d`, i.e. `interpolate(...,
 * mode="bilinear", align_corners=True)`), the resize pytorch-grad-cam's Score-CAM applies to each channel
 * before using it as a mask: output pixel (y, x) samples the input at (y (h - 1) / (H - 1), x (w - 1) / (W - 1)).
 */

/**
 * Resize one h x w plane to H x W (float64).
 *
 * @example
 * upsampleAlignCorners(Float32Array.of(0, 1), 1, 2, 1, 3); // [0, 0.5, 1]
 */
export function upsampleAlignCorners(plane: ArrayLike<number>, h: number, w: number, outH: number, outW: number): Float64Array {
  const out = new Float64Array(outH * outW);
  const sy = outH > 1 ? (h - 1) / (outH - 1) : 0;
  const sx = outW > 1 ? (w - 1) / (outW - 1) : 0;
  for (let y = 0; y < outH; y++) {
    const fy = y * sy;
    const y0 = Math.min(Math.floor(fy), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const dy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = x * sx;
      const x0 = Math.min(Math.floor(fx), w - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const dx = fx - x0;
      const top = plane[y0 * w + x0] * (1 - dx) + plane[y0 * w + x1] * dx;
      const bottom = plane[y1 * w + x0] * (1 - dx) + plane[y1 * w + x1] * dx;
      out[y * outW + x] = top * (1 - dy) + bottom * dy;
    }
  }
  return out;
}
