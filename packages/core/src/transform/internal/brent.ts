/**
 * Scalar minimization as SciPy's `optimize.brent` does it: a downhill bracket search from
 * `(xa, xb)` (`optimize.bracket`), then Brent's method (golden section with parabolic steps) to a
 * relative tolerance of 1.48e-8. Following SciPy step for step means a maximum-likelihood
 * parameter (the Box-Cox / Yeo-Johnson lambda) lands where scikit-learn's does, not merely near.
 */
export const brentMinimize = (f: (x: number) => number, xa0: number, xb0: number): number => {
  const gold = 1.618034
  const verySmall = 1e-21
  const growLimit = 110
  let xa = xa0
  let xb = xb0
  let fa = f(xa)
  let fb = f(xb)
  if (fa < fb) {
    ;[xa, xb] = [xb, xa]
    ;[fa, fb] = [fb, fa]
  }
  let xc = xb + gold * (xb - xa)
  let fc = f(xc)
  let iter = 0
  bracket: while (fc < fb) {
    const tmp1 = (xb - xa) * (fb - fc)
    const tmp2 = (xb - xc) * (fb - fa)
    const val = tmp2 - tmp1
    const denom = Math.abs(val) < verySmall ? 2 * verySmall : 2 * val
    let w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom
    const wlim = xb + growLimit * (xc - xb)
    if (++iter > 1000) break
    let fw: number
    if ((w - xc) * (xb - w) > 0) {
      fw = f(w)
      // (SciPy also updates fa / fc here; Brent's phase below reads only fb.)
      if (fw < fc) {
        xa = xb
        xb = w
        fb = fw
        break bracket
      } else if (fw > fb) {
        xc = w
        break bracket
      }
      w = xc + gold * (xc - xb)
      fw = f(w)
    } else if ((w - wlim) * (wlim - xc) >= 0) {
      w = wlim
      fw = f(w)
    } else if ((w - wlim) * (xc - w) > 0) {
      fw = f(w)
      if (fw < fc) {
        xb = xc
        xc = w
        w = xc + gold * (xc - xb)
        fb = fc
        fc = fw
        fw = f(w)
      }
    } else {
      w = xc + gold * (xc - xb)
      fw = f(w)
    }
    xa = xb
    xb = xc
    xc = w
    fa = fb
    fb = fc
    fc = fw
  }

  const tol = 1.48e-8
  const mintol = 1e-11
  const cg = 0.381966
  let x = xb
  let w = xb
  let v = xb
  let fx = fb
  let fw = fb
  let fv = fb
  let a = xa < xc ? xa : xc
  let b = xa < xc ? xc : xa
  let deltax = 0
  let rat = 0
  for (let it = 0; it < 500; it++) {
    const tol1 = tol * Math.abs(x) + mintol
    const tol2 = 2 * tol1
    const xmid = 0.5 * (a + b)
    if (Math.abs(x - xmid) < tol2 - 0.5 * (b - a)) break
    if (Math.abs(deltax) <= tol1) {
      deltax = x >= xmid ? a - x : b - x
      rat = cg * deltax
    } else {
      const t1 = (x - w) * (fx - fv)
      let t2 = (x - v) * (fx - fw)
      let p = (x - v) * t2 - (x - w) * t1
      t2 = 2 * (t2 - t1)
      if (t2 > 0) p = -p
      t2 = Math.abs(t2)
      const dxTemp = deltax
      deltax = rat
      if (p > t2 * (a - x) && p < t2 * (b - x) && Math.abs(p) < Math.abs(0.5 * t2 * dxTemp)) {
        rat = (p * 1) / t2
        const u = x + rat
        if (u - a < tol2 || b - u < tol2) rat = xmid - x >= 0 ? tol1 : -tol1
      } else {
        deltax = x >= xmid ? a - x : b - x
        rat = cg * deltax
      }
    }
    const u = Math.abs(rat) < tol1 ? (rat >= 0 ? x + tol1 : x - tol1) : x + rat
    const fu = f(u)
    if (fu > fx) {
      if (u < x) a = u
      else b = u
      if (fu <= fw || w === x) {
        v = w
        w = u
        fv = fw
        fw = fu
      } else if (fu <= fv || v === x || v === w) {
        v = u
        fv = fu
      }
    } else {
      if (u >= x) a = x
      else b = x
      v = w
      w = x
      x = u
      fv = fw
      fw = fx
      fx = fu
    }
  }
  return x
}
