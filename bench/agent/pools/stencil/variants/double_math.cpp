//! summary: the average in double precision, then rounded once
//! role: bad
//! bound: memory
//! diagnosis: the inner loop walks down a column (a stride of w floats, a cache miss per cell), and the conversions to double cost more than the adds
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // the average in double precision, then rounded once
  for (int j = 0; j < w; ++j) {
    const int left = j > 0 ? j - 1 : 0;
    const int right = j < w - 1 ? j + 1 : w - 1;
    for (int i = 0; i < h; ++i) {
      const int up = i > 0 ? i - 1 : 0;
      const int down = i < h - 1 ? i + 1 : h - 1;
      const double sum = static_cast<double>(in[i * w + j]) + in[up * w + j] + in[down * w + j] +
                         in[i * w + left] + in[i * w + right];
      out[i * w + j] = static_cast<float>(0.2 * sum);
    }
  }
}
