/**
 * @module
 * An image source turned into a request body and its Content-Type (sniffed from the signature when the
 * caller does not say: PNG `89 50 4E 47`, JPEG `FF D8 FF`).
 */
import type { ImageSource } from './types.js';

/** A body ready to send (re-sendable on retry). */
export interface ImageBody {
  body: Blob | Uint8Array;
  contentType: string;
}

/** The image type of the first bytes, or undefined. */
export function sniffImageType(head: Uint8Array): 'image/png' | 'image/jpeg' | undefined {
  if (head.length >= 4 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  return undefined;
}

function asBytes(image: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (image instanceof Uint8Array) return image;
  if (ArrayBuffer.isView(image)) return new Uint8Array(image.buffer, image.byteOffset, image.byteLength);
  return new Uint8Array(image);
}

/**
 * The body and Content-Type for an image. An unknown type is sent as application/octet-stream, which the
 * service answers with 415 unsupported_media_type.
 */
export async function imageBody(image: ImageSource, contentType?: string): Promise<ImageBody> {
  if (typeof Blob !== 'undefined' && image instanceof Blob) {
    const known = image.type === 'image/png' || image.type === 'image/jpeg' ? image.type : undefined;
    const type = contentType ?? known ?? sniffImageType(new Uint8Array(await image.slice(0, 4).arrayBuffer()));
    return { body: image, contentType: type ?? 'application/octet-stream' };
  }
  const bytes = asBytes(image as ArrayBuffer | ArrayBufferView);
  return { body: bytes, contentType: contentType ?? sniffImageType(bytes) ?? 'application/octet-stream' };
}
