/**
 * @module
 * CRC-32 as PNG uses it (ISO 3309 / ITU-T V.42 polynomial, reflected, init and final xor 0xffffffff):
 * https://www.w3.org/TR/png-3/#5CRC-algorithm. Table driven, one table built at module load.
 */

const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * Continue a running CRC over `bytes`. Start with `crc = 0`; feed chunks in order.
 *
 * @example
 * const crc = updateCrc32(updateCrc32(0, typeBytes), dataBytes); // CRC of type + data
 */
export function updateCrc32(crc: number, bytes: Uint8Array): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of one byte array. */
export function crc32(bytes: Uint8Array): number {
  return updateCrc32(0, bytes);
}
