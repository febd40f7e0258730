/**
 * The object classes of the scene generator. Each class is a region of the plane in
 * local "unit" coordinates: the object's centre is the origin, its nominal radius is 1,
 * x points right and y points down (image convention). Classes differ in form only;
 * colour and texture are drawn independently of the class.
 * @module
 */

/** Point-in-region test in local unit coordinates. */
export type InsideTest = (x: number, y: number) => boolean;

/** One object class. */
export interface ShapeClass {
  /** Stable label, used in the model's label file. */
  readonly label: string;
  /** Region of the class in local unit coordinates. */
  readonly inside: InsideTest;
  /** Radius of a disc around the origin that contains the whole region. */
  readonly extent: number;
}

/** Vertices of a regular polygon (or star when `inner` is set), first vertex pointing up. */
function polygonVertices(points: number, outer: number, inner?: number): number[] {
  const count = inner === undefined ? points : points * 2;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / count;
    const r = inner !== undefined && i % 2 === 1 ? inner : outer;
    out.push(r * Math.cos(angle), r * Math.sin(angle));
  }
  return out;
}

/** Even-odd point-in-polygon test over a flat [x0, y0, x1, y1, ...] vertex list. */
function insidePolygon(vertices: readonly number[]): InsideTest {
  const n = vertices.length / 2;
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = vertices[2 * i]!,
        yi = vertices[2 * i + 1]!;
      const xj = vertices[2 * j]!,
        yj = vertices[2 * j + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

const ARROW = [-1, -0.22, 0.15, -0.22, 0.15, -0.62, 1, 0, 0.15, 0.62, 0.15, 0.22, -1, 0.22];

/** Classic heart curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, flipped so the point is at the bottom. */
function insideHeart(x: number, y: number): boolean {
  const hx = x * 1.15;
  const hy = -y * 1.15 + 0.12;
  const q = hx * hx + hy * hy - 1;
  return q * q * q - hx * hx * hy * hy * hy <= 0;
}

/**
 * The classes in label order: the index into this array is the class index the model predicts.
 */
export const SHAPES: readonly ShapeClass[] = [
  { label: 'disc', inside: (x, y) => x * x + y * y <= 0.9 * 0.9, extent: 0.9 },
  { label: 'square', inside: (x, y) => Math.abs(x) <= 0.72 && Math.abs(y) <= 0.72, extent: 1.02 },
  { label: 'triangle', inside: insidePolygon(polygonVertices(3, 1.05)), extent: 1.05 },
  { label: 'star', inside: insidePolygon(polygonVertices(5, 1.05, 0.42)), extent: 1.05 },
  {
    label: 'cross',
    inside: (x, y) => (Math.abs(x) <= 0.28 && Math.abs(y) <= 0.95) || (Math.abs(y) <= 0.28 && Math.abs(x) <= 0.95),
    extent: 1,
  },
  {
    label: 'ring',
    inside: (x, y) => {
      const r2 = x * x + y * y;
      return r2 <= 0.95 * 0.95 && r2 >= 0.55 * 0.55;
    },
    extent: 0.95,
  },
  { label: 'hexagon', inside: insidePolygon(polygonVertices(6, 0.92)), extent: 0.92 },
  {
    label: 'crescent',
    inside: (x, y) => x * x + y * y <= 1 && (x - 0.45) * (x - 0.45) + y * y > 0.82 * 0.82,
    extent: 1,
  },
  { label: 'arrow', inside: insidePolygon(ARROW), extent: 1.03 },
  { label: 'heart', inside: insideHeart, extent: 1.12 },
];

/** Class labels in class-index order. */
export const CLASS_LABELS: readonly string[] = SHAPES.map((s) => s.label);
