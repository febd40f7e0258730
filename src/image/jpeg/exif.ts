/**
 * @module
 * The EXIF orientation tag (0x0112) from a JPEG APP1 segment: "Exif\0\0", then a TIFF header and
 * IFD0 (TIFF 6.0 section 2, https://www.itu.int/itudoc/itu-t/com16/tiff-fx/docs/tiff6.pdf; EXIF 2.32
 * section 4.6.4). Only IFD0 is read. Malformed EXIF is ignored (orientation 1), as browsers do.
 */

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/** True when an APP1 payload is an EXIF block. */
export function isExifSegment(payload: Uint8Array): boolean {
  return payload.length >= 14 && String.fromCharCode(...payload.subarray(0, 6)) === 'Exif\0\0';
}

/**
 * The orientation (1..8) stored in an APP1 EXIF payload; 1 when absent or unreadable.
 *
 * @example
 * readExifOrientation(app1Payload); // 6: the stored image must be rotated 90° clockwise for display
 */
export function readExifOrientation(payload: Uint8Array): number {
  if (!isExifSegment(payload)) return 1;
  const tiff = payload.subarray(6);
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0], tiff[1]);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== TYPE_SHORT) return 1;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}
