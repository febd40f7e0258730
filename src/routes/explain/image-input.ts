/**
 * @module
 * The image of an explain or classify request: the raw body (image/png, image/jpeg) or the `file` field of a
 * multipart form, whose other fields are options (plain fields, or file parts read as text: a `vector` as a
 * JSON file). Checks the header's size against the pixel limit before anything is decoded, and decodes
 * it with the problems a client can act on.
 */
import type { Context } from 'hono';
import { limitsOf } from '../../env.js';
import { ApiError } from '../../errors.js';
import { essence } from '../../middleware/media-type/index.js';
import type { AppEnv } from '../app-env.js';
import { decodeImage, readImageHeader, type ImageHeader, type RgbImage } from '../../image/index.js';

/** Media types accepted as request bodies (with the aliases src/image recognises). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/x-png', 'image/jpg', 'image/pjpeg'] as const;
/** Every accepted request media type. */
export const BODY_TYPES: readonly string[] = [...IMAGE_TYPES, 'multipart/form-data'];

/** The request's image bytes, its header, and the form's other fields (for options). */
export interface ImageInput {
  bytes: Uint8Array;
  header: ImageHeader;
  /** The form's other fields (for options); a repeated field (e.g. `layer`) is an array. */
  fields: Record<string, string | string[]>;
}

/** Longest option sent as a file part of a form (a `vector` as a JSON file: 768 float64 numbers take ~15 KB). */
export const MAX_FIELD_FILE_BYTES = 65536;

/**
 * An option field's text: a plain form field, or a file part read as UTF-8 (e.g. `-F vector=@text.json`, a
 * JSON array of numbers), at most {@link MAX_FIELD_FILE_BYTES}.
 */
async function fieldText(name: string, value: string | File): Promise<string> {
  if (typeof value === 'string') return value;
  if (value.size > MAX_FIELD_FILE_BYTES)
    throw new ApiError(400, 'bad_option', `Option '${name}': the file part has ${value.size} bytes, at most ${MAX_FIELD_FILE_BYTES}.`, {
      option: name,
    });
  return new TextDecoder().decode(await value.arrayBuffer());
}

async function fromForm(c: Context<AppEnv>): Promise<{ bytes: Uint8Array; type: string; fields: Record<string, string | string[]> }> {
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = (await c.req.parseBody({ all: true })) as Record<string, string | File | (string | File)[]>;
  } catch {
    throw new ApiError(400, 'bad_request', 'The multipart body could not be parsed.');
  }
  const file = Array.isArray(form.file) ? form.file[0] : form.file;
  if (!(file instanceof File)) throw new ApiError(400, 'bad_request', "The form has no 'file' field with the image.");
  const type = essence(file.type);
  if (type && type !== 'application/octet-stream' && !(IMAGE_TYPES as readonly string[]).includes(type)) {
    throw new ApiError(415, 'unsupported_media_type', `The file must be image/png or image/jpeg (got '${type}').`);
  }
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(form)) {
    if (name === 'file') continue;
    const strings = await Promise.all((Array.isArray(value) ? value : [value]).map((v) => fieldText(name, v)));
    if (strings.length > 0) fields[name] = strings.length === 1 ? strings[0]! : strings;
  }
  return { bytes: new Uint8Array(await file.arrayBuffer()), type, fields };
}

/**
 * Read the image and check its header (src/image): 415 when it is neither PNG nor JPEG or not what its media
 * type says, 422 when the header is broken, 413 image_too_large when it declares more pixels than the limit.
 */
export async function readImageInput(c: Context<AppEnv>): Promise<ImageInput> {
  const declared = essence(c.req.header('content-type'));
  const { bytes, type, fields } =
    declared === 'multipart/form-data'
      ? await fromForm(c)
      : { bytes: new Uint8Array(await c.req.arrayBuffer()), type: declared, fields: {} };
  const header = readImageHeader(bytes, type);
  if (header.width === 0 || header.height === 0) throw new ApiError(422, 'corrupt_image', 'The image has no pixels.');
  const { maxPixels } = limitsOf(c.env);
  if (header.width * header.height > maxPixels) {
    throw new ApiError(413, 'image_too_large', `The image is ${header.width}x${header.height}, more than ${maxPixels} pixels.`, {
      limit: maxPixels,
    });
  }
  return { bytes, header, fields };
}

/** Decode the image; decoder failures that are not already ApiErrors become 422 corrupt_image. */
export async function decodeOrThrow(
  bytes: Uint8Array,
  background: [number, number, number] | undefined,
  maxPixels: number,
  maxDecodeBytes?: number,
): Promise<RgbImage> {
  try {
    return await decodeImage(bytes, { background, maxPixels, maxDecodeBytes });
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(422, 'corrupt_image', 'The image could not be decoded.');
  }
}
