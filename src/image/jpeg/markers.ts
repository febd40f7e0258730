/**
 * @module
 * A walk over a JPEG file's marker segments up to the frame header (ITU-T T.81 annex B,
 * https://www.w3.org/Graphics/JPEG/itu-t81.pdf), collecting what the service needs before decoding:
 * the frame type, precision, dimensions and component count (SOFn), and the EXIF orientation (APP1).
 */
import { corruptImage, unsupportedImage } from '../failures.js';
import { isExifSegment, readExifOrientation } from './exif.js';

/** One component of the frame: its id and sampling factors. */
export interface JpegComponent {
  readonly id: number;
  readonly h: number;
  readonly v: number;
}

/** The frame header (SOFn). */
export interface JpegFrame {
  /** The SOF marker's low byte: 0xc0 baseline, 0xc1 extended, 0xc2 progressive, ... */
  readonly marker: number;
  readonly precision: number;
  readonly width: number;
  readonly height: number;
  readonly components: readonly JpegComponent[];
}

/** The Adobe APP14 colour transform flag (0 none: RGB/CMYK, 1 YCbCr, 2 YCCK) and its file offset. */
export interface AdobeTransform {
  readonly value: number;
  readonly offset: number;
}

/** What the header tells about a JPEG. */
export interface JpegInfo {
  readonly frame: JpegFrame;
  /** EXIF orientation 1..8 (1 when there is none). */
  readonly orientation: number;
  /** True when a JFIF APP0 segment is present (which implies YCbCr for 3 components). */
  readonly jfif: boolean;
  /** The Adobe APP14 transform flag, when present. */
  readonly adobe: AdobeTransform | null;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP14 = 0xee;
/** SOF markers are c0-cf except c4 (DHT), c8 (JPG extension) and cc (DAC). */
const isFrameMarker = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers without a length field: TEM, RSTn, SOI, EOI. */
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd9);
/** Frame types the decoder handles: baseline, extended sequential and progressive, Huffman-coded. */
const DECODABLE_FRAMES = new Set([0xc0, 0xc1, 0xc2]);

/** True when `bytes` starts like a JPEG (SOI then another marker). */
export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/**
 * Read the markers before the first scan.
 *
 * @example
 * const { frame, orientation } = scanJpeg(bytes); // frame.width, frame.height as stored
 */
export function scanJpeg(bytes: Uint8Array): JpegInfo {
  if (!hasJpegSignature(bytes)) throw corruptImage('The JPEG start-of-image marker is missing.');
  let orientation = 1;
  let jfif = false;
  let adobe: AdobeTransform | null = null;
  let offset = 2;
  for (;;) {
    const { marker, start } = nextMarker(bytes, offset);
    if (marker === EOI || marker === SOS) throw corruptImage('The JPEG has no frame header before its image data.');
    if (isStandalone(marker)) {
      offset = start;
      continue;
    }
    const payload = segmentPayload(bytes, start);
    if (marker === APP1 && orientation === 1 && isExifSegment(payload)) orientation = readExifOrientation(payload);
    if (marker === APP0 && startsWith(payload, 'JFIF\0')) jfif = true;
    if (marker === APP14 && payload.length >= 12 && startsWith(payload, 'Adobe')) {
      adobe = { value: payload[11], offset: start + 2 + 11 };
    }
    if (isFrameMarker(marker)) return { frame: parseFrame(marker, payload), orientation, jfif, adobe };
    offset = start + 2 + payload.length;
  }
}

/** Find the next marker at or after `offset`, skipping fill bytes (and, leniently, stray data). */
function nextMarker(bytes: Uint8Array, offset: number): { marker: number; start: number } {
  let i = offset;
  while (i < bytes.length && bytes[i] !== 0xff) i++;
  while (i < bytes.length && bytes[i] === 0xff) i++;
  if (i >= bytes.length) throw corruptImage('The JPEG header is truncated.');
  return { marker: bytes[i], start: i + 1 };
}

/** The payload of the segment whose length field starts at `start`. */
function segmentPayload(bytes: Uint8Array, start: number): Uint8Array {
  if (start + 2 > bytes.length) throw corruptImage('The JPEG header is truncated.');
  const length = (bytes[start] << 8) | bytes[start + 1];
  if (length < 2 || start + length > bytes.length) throw corruptImage('The JPEG header is truncated.');
  return bytes.subarray(start + 2, start + length);
}

function startsWith(payload: Uint8Array, text: string): boolean {
  return payload.length >= text.length && [...text].every((ch, i) => payload[i] === ch.charCodeAt(0));
}

function parseFrame(marker: number, payload: Uint8Array): JpegFrame {
  const count = payload[5] ?? 0;
  if (payload.length < 6 + 3 * count) throw corruptImage('The JPEG frame header is truncated.');
  const components = Array.from({ length: count }, (_, i) => {
    const hv = payload[7 + 3 * i];
    return { id: payload[6 + 3 * i], h: hv >> 4, v: hv & 15 };
  });
  const frame = {
    marker,
    precision: payload[0],
    height: (payload[1] << 8) | payload[2],
    width: (payload[3] << 8) | payload[4],
    components,
  };
  if (!DECODABLE_FRAMES.has(marker)) {
    throw unsupportedImage('Lossless, hierarchical and arithmetic-coded JPEGs are not supported; send a baseline or progressive JPEG.');
  }
  if (frame.precision !== 8) throw unsupportedImage(`${frame.precision}-bit JPEGs are not supported; send an 8-bit JPEG.`);
  if (![1, 3, 4].includes(count)) throw unsupportedImage(`JPEGs with ${count} colour components are not supported.`);
  if (components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) {
    throw corruptImage('The JPEG frame header has invalid sampling factors.');
  }
  if (frame.width === 0 || frame.height === 0) {
    throw corruptImage(`The JPEG declares invalid dimensions ${frame.width}x${frame.height}.`);
  }
  return frame;
}
