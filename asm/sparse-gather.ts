// The inner loops of the GEMM's sparse path (asm/sparse.ts): one row of C as a sum of rows of B
// weighted by the non-zeros of one compressed row of op(A), accumulated in registers in the order of
// the entries (the dense micro-kernel's order, so the same bits).
import { loadSplat, madd } from './simd';

// gather{w}: w vectors of one output row, out[v] = sum over entries e of val[e] * B[idx[e], v]
// (B in rows of rowBytes), accumulated in registers in the order of the entries.
// @ts-ignore: decorator
@inline function gather7<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let c4 = c0;
  let c5 = c0;
  let c6 = c0;
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
    c1 = madd<T>(av, v128.load(br, 16), c1);
    c2 = madd<T>(av, v128.load(br, 32), c2);
    c3 = madd<T>(av, v128.load(br, 48), c3);
    c4 = madd<T>(av, v128.load(br, 64), c4);
    c5 = madd<T>(av, v128.load(br, 80), c5);
    c6 = madd<T>(av, v128.load(br, 96), c6);
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
  v128.store(out, c3, 48);
  v128.store(out, c4, 64);
  v128.store(out, c5, 80);
  v128.store(out, c6, 96);
}

// @ts-ignore: decorator
@inline function gather6<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let c4 = c0;
  let c5 = c0;
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
    c1 = madd<T>(av, v128.load(br, 16), c1);
    c2 = madd<T>(av, v128.load(br, 32), c2);
    c3 = madd<T>(av, v128.load(br, 48), c3);
    c4 = madd<T>(av, v128.load(br, 64), c4);
    c5 = madd<T>(av, v128.load(br, 80), c5);
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
  v128.store(out, c3, 48);
  v128.store(out, c4, 64);
  v128.store(out, c5, 80);
}

// @ts-ignore: decorator
@inline function gather5<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  let c4 = c0;
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
    c1 = madd<T>(av, v128.load(br, 16), c1);
    c2 = madd<T>(av, v128.load(br, 32), c2);
    c3 = madd<T>(av, v128.load(br, 48), c3);
    c4 = madd<T>(av, v128.load(br, 64), c4);
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
  v128.store(out, c3, 48);
  v128.store(out, c4, 64);
}

// @ts-ignore: decorator
@inline function gather4<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
    c1 = madd<T>(av, v128.load(br, 16), c1);
    c2 = madd<T>(av, v128.load(br, 32), c2);
    c3 = madd<T>(av, v128.load(br, 48), c3);
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
  v128.store(out, c3, 48);
}

// @ts-ignore: decorator
@inline function gather3<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  let c1 = c0;
  let c2 = c0;
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
    c1 = madd<T>(av, v128.load(br, 16), c1);
    c2 = madd<T>(av, v128.load(br, 32), c2);
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
  v128.store(out, c2, 32);
}

// @ts-ignore: decorator
@inline function gather2<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  let c1 = c0;
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
    c1 = madd<T>(av, v128.load(br, 16), c1);
  }
  v128.store(out, c0);
  v128.store(out, c1, 16);
}

// @ts-ignore: decorator
@inline function gather1<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, rowBytes: usize, out: usize): void {
  const S = sizeof<T>();
  let c0 = v128.splat<T>(0 as T);
  for (let e = e0; e < e1; e++) {
    const av = loadSplat<T>(val + (e as usize) * S, 0);
    const br = bp + (load<i32>(idx + (e as usize) * 4) as usize) * rowBytes;
    c0 = madd<T>(av, v128.load(br), c0);
  }
  v128.store(out, c0);
}

/**
 * Row of C from a compressed row (entries e0 .. e1) against B padded to rows of nv vectors, all nv
 * vectors written to `out`: in as few passes over the entries as chunks of at most 7 vectors allow,
 * of even widths (13 = 7 + 6): each pass re-reads the entries, and 7 accumulators are the most that
 * V8 keeps in x64's 16 vector registers (8 spill, measured 1.3x slower per element).
 */
export function gatherRow<T>(e0: i32, e1: i32, idx: usize, val: usize, bp: usize, nv: i32, out: usize): void {
  const rowBytes = (nv as usize) * 16;
  let v = 0;
  for (let passes = (nv + 6) / 7; passes > 0; passes--) {
    const w = (nv - v + passes - 1) / passes;
    const o = (v as usize) * 16;
    if (w == 7) gather7<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    else if (w == 6) gather6<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    else if (w == 5) gather5<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    else if (w == 4) gather4<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    else if (w == 3) gather3<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    else if (w == 2) gather2<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    else gather1<T>(e0, e1, idx, val, bp + o, rowBytes, out + o);
    v += w;
  }
}

