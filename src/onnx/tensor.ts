/**
 * @module
 * Converting between ONNX TensorProto and typed arrays.
 */
import { onnx, DataType, type TensorProto } from './proto.js';
import { ApiError } from '../errors.js';

/** Number of elements of a shape (1 for a scalar). */
export function numElements(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function rawView(t: TensorProto): DataView {
  const raw = t.rawData;
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

function hasRaw(t: TensorProto): boolean {
  return t.rawData != null && t.rawData.byteLength > 0;
}

/**
 * The values of a float32 (or float64) tensor as a Float32Array (copied, aligned).
 * Throws `invalid_model` for other data types.
 */
export function floatValues(t: TensorProto): Float32Array {
  const n = numElements(t.dims.map(Number));
  if (t.dataType === DataType.FLOAT) {
    if (!hasRaw(t)) return Float32Array.from(t.floatData);
    if (t.rawData.byteLength !== n * 4) throw badSize(t, n * 4);
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(t.rawData);
    return out;
  }
  if (t.dataType === DataType.DOUBLE) {
    if (!hasRaw(t)) return Float32Array.from(t.doubleData);
    if (t.rawData.byteLength !== n * 8) throw badSize(t, n * 8);
    const v = rawView(t);
    return Float32Array.from({ length: n }, (_, i) => v.getFloat64(i * 8, true));
  }
  throw new ApiError(422, 'invalid_model', `Tensor "${t.name}" has data type ${t.dataType}, expected a float tensor.`);
}

/** The values of an integer tensor (int8..int64, uint8, bool) as JS numbers. */
export function intValues(t: TensorProto): number[] {
  const n = numElements(t.dims.map(Number));
  if (!hasRaw(t)) {
    if (t.dataType === DataType.INT64) return t.int64Data.map(Number);
    return t.int32Data.map(Number);
  }
  const v = rawView(t);
  const size = { [DataType.INT64]: 8, [DataType.INT32]: 4, [DataType.INT8]: 1, [DataType.UINT8]: 1, [DataType.BOOL]: 1 }[t.dataType];
  if (!size) throw new ApiError(422, 'invalid_model', `Tensor "${t.name}" has data type ${t.dataType}, expected an integer tensor.`);
  if (t.rawData.byteLength !== n * size) throw badSize(t, n * size);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (size === 8) out[i] = Number(v.getBigInt64(i * 8, true));
    else if (size === 4) out[i] = v.getInt32(i * 4, true);
    else if (t.dataType === DataType.INT8) out[i] = v.getInt8(i);
    else out[i] = v.getUint8(i);
  }
  return out;
}

function badSize(t: TensorProto, expected: number): ApiError {
  return new ApiError(
    422,
    'invalid_model',
    `Tensor "${t.name}" holds ${t.rawData.byteLength} bytes of raw data; its shape [${t.dims.join(', ')}] needs ${expected}.`,
  );
}

/** A float32 tensor (raw_data little-endian). */
export function makeFloatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

/** An int64 tensor (raw_data little-endian). */
export function makeInt64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const data = BigInt64Array.from(values, (x) => BigInt(x));
  return onnx.TensorProto.create({ name, dims: [...dims], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) });
}

/** An int8 tensor (raw_data). */
export function makeInt8Tensor(name: string, dims: readonly number[], values: Int8Array): TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: DataType.INT8,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
}
