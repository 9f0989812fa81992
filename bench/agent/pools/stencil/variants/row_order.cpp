//! summary: row order: the inner loop walks along a row, so that consecutive cells share cache lines
//! role: together
//! bound: compute
//! diagnosis: the rows are read in order now, but the clamped indices in the inner loop keep it from vectorising
//! trigger: "walks down a column" !"row order"
//! trigger: "Order loops for unit stride" !"row order"
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // row order: the inner loop walks along a row, so that consecutive cells share cache lines
  for (int i = 0; i < h; ++i) {
    const int up = i > 0 ? i - 1 : 0;
    const int down = i < h - 1 ? i + 1 : h - 1;
    for (int j = 0; j < w; ++j) {
      const int left = j > 0 ? j - 1 : 0;
      const int right = j < w - 1 ? j + 1 : w - 1;
      out[i * w + j] = 0.2f * (in[i * w + j] + in[up * w + j] + in[down * w + j] +
                               in[i * w + left] + in[i * w + right]);
    }
  }
}
