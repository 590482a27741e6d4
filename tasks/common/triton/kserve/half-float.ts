/**
 * IEEE half precision (FP16) and bfloat16 (BF16) bit patterns from and to JavaScript numbers,
 * rounding to nearest even, because KServe's JSON form refuses both types and they have to
 * travel as raw 16-bit values.
 */

const float32 = new Float32Array(1);
const float32Bits = new Uint32Array(float32.buffer);

function bitsOfFloat32(value: number): number {
  float32[0] = value;
  return float32Bits[0] ?? 0;
}

/** The FP16 bit pattern nearest to `value`. */
export function toFp16Bits(value: number): number {
  const bits = bitsOfFloat32(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);

  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: the implicit leading one joins the mantissa before the shift.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  // A carry out of the mantissa rounds into the exponent, up to infinity, as it should.
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return sign | half;
}

/** The number an FP16 bit pattern stands for. */
export function fromFp16Bits(bits: number): number {
  const sign = (bits & 0x8000) !== 0 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa !== 0 ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** The BF16 bit pattern nearest to `value`: the upper half of its FP32 bits, rounded. */
export function toBf16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7fc0;
  const bits = bitsOfFloat32(value);
  const lowestKept = Math.floor(bits / 0x10000) & 1;
  return Math.floor((bits + 0x7fff + lowestKept) / 0x10000) & 0xffff;
}

/** The number a BF16 bit pattern stands for. */
export function fromBf16Bits(bits: number): number {
  float32Bits[0] = (bits & 0xffff) * 0x10000;
  return float32[0] ?? 0;
}
