//! kernel: stencil
//! space: UNROLL=1 UNROLL=2 UNROLL=4
//! bound: memory
//! diagnosis: the inner loop walks down a column (a stride of w floats, a cache miss per cell), and the clamped indices in the inner loop keep it from vectorising
KEVOLVE_TUNE(stencil, "UNROLL: 1, 2, 4")
void stencil(const float* in, float* out, int h, int w) {
  constexpr int unroll = KEVOLVE_PARAM(stencil, UNROLL, 1);
  for (int j = 0; j < w; ++j) {
    const int left = j > 0 ? j - 1 : 0;
    const int right = j < w - 1 ? j + 1 : w - 1;
#pragma GCC unroll unroll
    for (int i = 0; i < h; ++i) {
      const int up = i > 0 ? i - 1 : 0;
      const int down = i < h - 1 ? i + 1 : h - 1;
      out[i * w + j] = 0.2f * (in[i * w + j] + in[up * w + j] + in[down * w + j] +
                               in[i * w + left] + in[i * w + right]);
    }
  }
}
