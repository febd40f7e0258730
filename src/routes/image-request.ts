/**
 * @module
 * The request side shared by the routes that take an image (explain, classify): media type and body limit
 * middleware, options in the query string or as form fields, and the body as a raw PNG/JPEG or a form
 * with a `file` field. One definition serves validation and the OpenAPI document.
 */
import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { limitsOf } from '../env.js';
import { bodyLimit } from '../middleware/body-limit/index.js';
import { mediaType } from '../middleware/media-type/index.js';
import { BODY_TYPES } from './explain/image-input.js';

/** A binary body in OpenAPI. */
export const binary = z.string().openapi({ format: 'binary' });

/**
 * The form of a request: the options plus the `file`; a `vector` option may also come as a file part (a
 * JSON array; read as text and validated with the other options by the route).
 */
function formSchema<T extends z.ZodObject>(options: T) {
  const file = z.any().openapi({ type: 'string', format: 'binary' });
  const form = options.partial().extend({ file });
  return 'vector' in options.shape ? form.extend({ vector: z.union([z.string(), file]).optional() }) : form;
}

/** `middleware` and `request` of a createRoute() for a route taking an image and `options`. */
export function imageRequest<T extends z.ZodObject>(options: T) {
  return {
    middleware: [mediaType({ accept: BODY_TYPES }), bodyLimit({ maxBytes: (c) => limitsOf(c.env).maxBodyBytes })] as MiddlewareHandler[],
    request: {
      query: options.partial(),
      body: {
        // Not marked required: zod-openapi would then run the form validator on raw image bodies too.
        description: 'The image (required): a raw PNG or JPEG body, or a form with a `file` field.',
        content: {
          'image/png': { schema: binary },
          'image/jpeg': { schema: binary },
          'multipart/form-data': { schema: formSchema(options) },
        },
      },
    },
  };
}
