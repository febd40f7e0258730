/**
 * @module
 * The model-randomisation sanity check's model (Adebayo et al. 2018, arXiv:1810.03292, section 3.1, the
 * first step of the cascading randomisation): a copy of a prepared model whose top layer (the Gemm or
 * MatMul that outputs the logits) has its weights re-drawn from a seeded Gaussian with each row's own
 * standard deviation, everything else unchanged. The weights are edited in place, so the gradient graph,
 * which reads the same tensor, stays consistent. Works on float weights and on int8 weights behind
 * DequantizeLinear (values re-drawn in int8 units, scales kept). The bias is kept: it changes no gradient.
 */
import { createRng, type Rng } from '../../src/scenes/prng.js';
import { decodeModel, encodeModel, DataType, type GraphProto, type TensorProto } from '../../src/onnx/proto.js';
import { floatValues, intValues, makeFloatTensor, makeInt8Tensor } from '../../src/onnx/tensor.js';

/** The randomised model and a sentence saying what was re-drawn. */
export interface RandomizedModel {
  bytes: Uint8Array;
  note: string;
}

/** Standard normal draws (Box-Muller) from a seeded generator. */
function gaussian(rng: Rng): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Per-row standard deviation of a rows x cols matrix (rows = first dimension). */
function rowStd(values: ArrayLike<number>, rows: number): Float64Array {
  const cols = values.length / rows,
    out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0,
      ss = 0;
    for (let j = 0; j < cols; j++) {
      const v = values[r * cols + j]!;
      s += v;
      ss += v * v;
    }
    out[r] = Math.sqrt(Math.max(0, ss / cols - (s / cols) ** 2));
  }
  return out;
}

function redraw(values: ArrayLike<number>, rows: number, draw: () => number): Float64Array {
  const std = rowStd(values, rows),
    cols = values.length / rows,
    out = new Float64Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = draw() * std[Math.floor(i / cols)]!;
  return out;
}

/** The initializer holding the top layer's weight (directly, or behind one DequantizeLinear). */
function topWeight(graph: GraphProto, logits: string): TensorProto {
  const producer = (t: string) => graph.node.find((n) => n.output.includes(t));
  let node = producer(logits);
  if (node?.opType === 'Add') node = node.input.map(producer).find((n) => n?.opType === 'MatMul');
  if (!node || (node.opType !== 'Gemm' && node.opType !== 'MatMul')) {
    throw new Error(`the logits "${logits}" do not come from a Gemm or MatMul (found ${node?.opType ?? 'nothing'})`);
  }
  const weight = node.input[1]!;
  const init = (name: string) => graph.initializer.find((t) => t.name === name);
  const deq = producer(weight);
  const found = deq?.opType === 'DequantizeLinear' ? init(deq.input[0]!) : init(weight);
  if (!found) throw new Error(`the top layer's weight "${weight}" is not an initializer`);
  return found;
}

/**
 * A copy of the prepared model with the top layer's weights re-drawn.
 *
 * @example
 * const { bytes } = randomizeTopLayer(preparedBytes, manifest.logits.name, 42);
 */
export function randomizeTopLayer(modelBytes: Uint8Array, logits: string, seed: number): RandomizedModel {
  const model = decodeModel(modelBytes);
  const graph = model.graph!;
  const weight = topWeight(graph, logits);
  const dims = weight.dims.map(Number),
    rows = dims[0]!;
  const draw = gaussian(createRng(seed));
  let replacement: TensorProto;
  if (weight.dataType === DataType.INT8) {
    const values = redraw(intValues(weight), rows, draw);
    replacement = makeInt8Tensor(
      weight.name,
      dims,
      Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v)))),
    );
  } else {
    replacement = makeFloatTensor(weight.name, dims, redraw(floatValues(weight), rows, draw));
  }
  graph.initializer[graph.initializer.indexOf(weight)] = replacement;
  const kind = weight.dataType === DataType.INT8 ? 'int8' : 'float';
  return { bytes: encodeModel(model), note: `${weight.name} [${dims.join(', ')}] (${kind}) re-drawn from N(0, row std), seed ${seed}` };
}
