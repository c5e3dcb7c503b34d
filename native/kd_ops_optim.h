// Fused optimizer update loops (SGD, Adam/AdamW), one template per flag combination.
// Textually included by kd_ops_kernels.h inside its per-ISA namespace (after kd_vmath.h and the
// load/store helpers); not a standalone header.

// ---- fused optimizer updates ---------------------------------------------------------------------
//
// Expression for expression the loops of src/optim/sgd.ts and adam.ts: every JS operation is a
// double operation, every Math.fround a cast to float (a store into a Float32Array is one too).

template <class T>
KD_INL T rnd(double x) { return T(x); }

// Math.max: NaN if either is NaN, +0 over -0.
KD_VINL double js_max(double a, double b) {
  if (a != a || b != b) return __builtin_nan("");
  if (a > b) return a;
  if (b > a) return b;
  unsigned long long ia, ib;
  std::memcpy(&ia, &a, 8);
  std::memcpy(&ib, &b, 8);
  ia &= ib;
  std::memcpy(&a, &ia, 8);
  return a;
}

// Mode: 0 no momentum, 1 first step (buffer = d), 2 momentum.
template <class T, bool Max, bool Wd, int Mode, bool Nest>
KD_TGT void sgd_loop(const kd::SgdScalars& s, void* pv, const void* gv, void* bv, idx n) {
  T* p = static_cast<T*>(pv);
  const T* g = static_cast<const T*>(gv);
  T* buf = static_cast<T*>(bv);
  const double neg_lr = s.neg_lr, wd = s.wd, mom = s.mom, damp1 = s.damp1;
  for (idx i = 0; i < n; ++i) {
    double d = Max ? -double(g[i]) : double(g[i]);
    if (Wd) d = double(rnd<T>(d + wd * double(p[i])));
    if (Mode != 0) {
      const double b = Mode == 1 ? d : double(rnd<T>(double(rnd<T>(double(buf[i]) * mom)) + damp1 * d));
      buf[i] = T(b);
      d = Nest ? double(rnd<T>(d + mom * b)) : b;
    }
    p[i] = rnd<T>(double(p[i]) + neg_lr * d);
  }
}

using SgdLoop = void (*)(const kd::SgdScalars& s, void* p, const void* g, void* buf, idx n);

template <class T, bool Max, bool Wd, int Mode>
KD_INL SgdLoop pick_sgd_nest(bool nest) {
  return nest ? &sgd_loop<T, Max, Wd, Mode, true> : &sgd_loop<T, Max, Wd, Mode, false>;
}
template <class T, bool Max, bool Wd>
KD_INL SgdLoop pick_sgd_mode(int mode, bool nest) {
  return mode == 0 ? pick_sgd_nest<T, Max, Wd, 0>(nest)
                   : mode == 1 ? pick_sgd_nest<T, Max, Wd, 1>(nest) : pick_sgd_nest<T, Max, Wd, 2>(nest);
}

template <class T>
KD_TGT void sgd_update(const kd::SgdScalars& s, void* p, const void* g, void* buf, bool first, idx n) {
  const int mode = buf == nullptr ? 0 : first ? 1 : 2;
  const bool wd = s.wd != 0;
  const SgdLoop f = s.maximize ? (wd ? pick_sgd_mode<T, true, true>(mode, s.nesterov)
                                      : pick_sgd_mode<T, true, false>(mode, s.nesterov))
                                 : (wd ? pick_sgd_mode<T, false, true>(mode, s.nesterov)
                                       : pick_sgd_mode<T, false, false>(mode, s.nesterov));
  f(s, p, g, buf, n);
}

template <class T, bool Max, bool L2, bool Decay, bool Ams>
KD_TGT void adam_loop(const kd::AdamScalars& s, double neg_step, double bc2, void* pv, const void* gv, void* mv,
                      void* vv, void* xv, idx n) {
  T* p = static_cast<T*>(pv);
  const T* g = static_cast<const T*>(gv);
  T* m = static_cast<T*>(mv);
  T* v = static_cast<T*>(vv);
  T* vmax = static_cast<T*>(xv);
  const double l2 = s.l2, decay = s.decay, b1 = s.b1, omb1 = s.omb1, b2 = s.b2, omb2 = s.omb2, eps = s.eps;
  for (idx i = 0; i < n; ++i) {
    double gi = Max ? -double(g[i]) : double(g[i]);
    if (Decay) p[i] = rnd<T>(double(p[i]) * decay);
    if (L2) gi = double(rnd<T>(gi + l2 * double(p[i])));
    const double mi = double(rnd<T>(double(rnd<T>(double(m[i]) * b1)) + omb1 * gi));
    m[i] = T(mi);
    double vi = double(rnd<T>(double(rnd<T>(double(v[i]) * b2)) + double(rnd<T>(omb2 * gi)) * gi));
    v[i] = T(vi);
    if (Ams) {
      vi = js_max(double(vmax[i]), vi);
      vmax[i] = T(vi);
    }
    const double denom = double(rnd<T>(double(rnd<T>(double(rnd<T>(std::sqrt(vi))) / bc2)) + eps));
    p[i] = rnd<T>(double(p[i]) + double(rnd<T>(double(rnd<T>(neg_step * mi)) / denom)));
  }
}

template <class T, bool Max, bool L2, bool Decay>
KD_INL kd::AdamFn pick_adam_ams(bool ams) {
  return ams ? &adam_loop<T, Max, L2, Decay, true> : &adam_loop<T, Max, L2, Decay, false>;
}
template <class T, bool Max, bool L2>
KD_INL kd::AdamFn pick_adam_decay(bool decay, bool ams) {
  return decay ? pick_adam_ams<T, Max, L2, true>(ams) : pick_adam_ams<T, Max, L2, false>(ams);
}
template <class T, bool Max>
KD_INL kd::AdamFn pick_adam_l2(bool l2, bool decay, bool ams) {
  return l2 ? pick_adam_decay<T, Max, true>(decay, ams) : pick_adam_decay<T, Max, false>(decay, ams);
}

template <class T>
KD_TGT void adam_update(const kd::AdamScalars& s, double neg_step, double bc2, void* p, const void* g, void* m,
                        void* v, void* vmax, idx n) {
  const bool l2 = s.l2 != 0, decay = s.decay != 1, ams = vmax != nullptr;
  const kd::AdamFn f = s.maximize ? pick_adam_l2<T, true>(l2, decay, ams) : pick_adam_l2<T, false>(l2, decay, ams);
  f(s, neg_step, bc2, p, g, m, v, vmax, n);
}
