/** Small shape arithmetic shared by the request builders and the output check. */

/** The number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((count, dim) => count * dim, 1);
}

/** The multi-dimensional index of a flat (row-major) position, e.g. `[0, 2]`. */
export function indexOf(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return '[]';
  const index: number[] = [];
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
    const dim = Math.max(1, shape[axis] ?? 1);
    index.unshift(rest % dim);
    rest = Math.floor(rest / dim);
  }
  return `[${index.join(', ')}]`;
}

/** True when `shape` fits `pattern`, where -1 in the pattern allows any size. */
export function shapeFits(shape: readonly number[], pattern: readonly number[]): boolean {
  return (
    shape.length === pattern.length && pattern.every((dim, i) => dim === -1 || dim === shape[i])
  );
}

/** A shape as text: `[1, 4]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
