// The book's optimizer steps other than SGD (axpy) and Adam (elementwise.ts), generic over T (f32
// or f64), operation for operation as src/kernels/ref/optim.ts (and numpy) evaluate them: scalar
// coefficients combine in f64 and are rounded to T once, every array operation is rounded to T.
// Only exactly rounded operations (+ - * / sqrt, no fused multiply-add), so the results are the
// ref's bit for bit. p and the state buffer are updated in place; pointers are byte offsets.
import { lanes } from './simd';

/** v = momentum * v - lr * g; p += v. */
function momentumImpl<T>(n: i32, lr: f64, mom: f64, p: usize, g: usize, v: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const lrT = lr as T;
  const mT = mom as T;
  const vlr = v128.splat<T>(lrT);
  const vm = v128.splat<T>(mT);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = (i as usize) * S;
    const vi = v128.sub<T>(v128.mul<T>(vm, v128.load(v + o)), v128.mul<T>(vlr, v128.load(g + o)));
    v128.store(v + o, vi);
    v128.store(p + o, v128.add<T>(v128.load(p + o), vi));
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    const vi = mT * load<T>(v + o) - lrT * load<T>(g + o);
    store<T>(v + o, vi);
    store<T>(p + o, load<T>(p + o) + vi);
  }
}

/** v = v * momentum - lr * g; p = p + momentum² * v - (1 + momentum) * lr * g. */
function nesterovImpl<T>(n: i32, lr: f64, mom: f64, p: usize, g: usize, v: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const mT = mom as T;
  const lrT = lr as T;
  const mmT = (mom * mom) as T;
  const cT = ((1 + mom) * lr) as T;
  const vm = v128.splat<T>(mT);
  const vlr = v128.splat<T>(lrT);
  const vmm = v128.splat<T>(mmT);
  const vc = v128.splat<T>(cT);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = (i as usize) * S;
    const gv = v128.load(g + o);
    const vi = v128.sub<T>(v128.mul<T>(v128.load(v + o), vm), v128.mul<T>(vlr, gv));
    v128.store(v + o, vi);
    const pv = v128.add<T>(v128.load(p + o), v128.mul<T>(vmm, vi));
    v128.store(p + o, v128.sub<T>(pv, v128.mul<T>(vc, gv)));
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    const gi = load<T>(g + o);
    const vi = load<T>(v + o) * mT - lrT * gi;
    store<T>(v + o, vi);
    store<T>(p + o, load<T>(p + o) + mmT * vi - cT * gi);
  }
}

/** h = h * decay + c * g * g (AdaGrad: decay 1 and c 1 skip those products); p -= lr * g / (sqrt(h) + 1e-7). */
// @ts-ignore: decorator
@inline function scaledRootImpl<T>(n: i32, lr: f64, decay: f64, adagrad: bool, p: usize, g: usize, h: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const lrT = lr as T;
  const dT = decay as T;
  const cT = (1 - decay) as T;
  const eps = 1e-7 as T;
  const vlr = v128.splat<T>(lrT);
  const vd = v128.splat<T>(dT);
  const vc = v128.splat<T>(cT);
  const veps = v128.splat<T>(eps);
  let i = 0;
  for (; i + L <= n; i += L) {
    const o = (i as usize) * S;
    const gv = v128.load(g + o);
    const hv = adagrad
      ? v128.add<T>(v128.load(h + o), v128.mul<T>(gv, gv))
      : v128.add<T>(v128.mul<T>(v128.load(h + o), vd), v128.mul<T>(v128.mul<T>(vc, gv), gv));
    v128.store(h + o, hv);
    const step = v128.div<T>(v128.mul<T>(vlr, gv), v128.add<T>(v128.sqrt<T>(hv), veps));
    v128.store(p + o, v128.sub<T>(v128.load(p + o), step));
  }
  for (; i < n; i++) {
    const o = (i as usize) * S;
    const gi = load<T>(g + o);
    const hi = adagrad ? load<T>(h + o) + gi * gi : load<T>(h + o) * dT + cT * gi * gi;
    store<T>(h + o, hi);
    const root: T = sizeof<T>() == 4 ? (Mathf.sqrt(hi as f32) as T) : (Math.sqrt(hi as f64) as T);
    store<T>(p + o, load<T>(p + o) - (lrT * gi) / (root + eps));
  }
}

// Every export takes (n, lr, coef, p, g, state): coef is the momentum, the decay rate, or unused (AdaGrad).
export function momentum_f32(n: i32, lr: f64, mom: f64, p: usize, g: usize, v: usize): void { momentumImpl<f32>(n, lr, mom, p, g, v); }
export function momentum_f64(n: i32, lr: f64, mom: f64, p: usize, g: usize, v: usize): void { momentumImpl<f64>(n, lr, mom, p, g, v); }
export function nesterov_f32(n: i32, lr: f64, mom: f64, p: usize, g: usize, v: usize): void { nesterovImpl<f32>(n, lr, mom, p, g, v); }
export function nesterov_f64(n: i32, lr: f64, mom: f64, p: usize, g: usize, v: usize): void { nesterovImpl<f64>(n, lr, mom, p, g, v); }
export function adagrad_f32(n: i32, lr: f64, _coef: f64, p: usize, g: usize, h: usize): void { scaledRootImpl<f32>(n, lr, 1, true, p, g, h); }
export function adagrad_f64(n: i32, lr: f64, _coef: f64, p: usize, g: usize, h: usize): void { scaledRootImpl<f64>(n, lr, 1, true, p, g, h); }
export function rmsprop_f32(n: i32, lr: f64, decay: f64, p: usize, g: usize, h: usize): void { scaledRootImpl<f32>(n, lr, decay, false, p, g, h); }
export function rmsprop_f64(n: i32, lr: f64, decay: f64, p: usize, g: usize, h: usize): void { scaledRootImpl<f64>(n, lr, decay, false, p, g, h); }
