//! summary: the edges peeled off: the first and last rows and columns in their own loops, the interior without clamps
//! role: together
//! bound: memory
//! diagnosis: the interior has no clamps now, but its inner loop walks down a column (a stride of w floats, a cache miss per cell)
//! trigger: "clamped indices" !"edges peeled" !"row order"
//! trigger: "Keep inner loops free of unpredictable branches" !"edges peeled" !"row order"
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // the edges peeled off: the first and last rows and columns in their own loops, the interior without clamps
  auto clamped = [&](int i, int j) {
    const int up = i > 0 ? i - 1 : 0, down = i < h - 1 ? i + 1 : h - 1;
    const int left = j > 0 ? j - 1 : 0, right = j < w - 1 ? j + 1 : w - 1;
    out[i * w + j] = 0.2f * (in[i * w + j] + in[up * w + j] + in[down * w + j] +
                             in[i * w + left] + in[i * w + right]);
  };
  for (int j = 0; j < w; ++j) {
    clamped(0, j);
    if (h > 1) clamped(h - 1, j);
  }
  for (int i = 1; i < h - 1; ++i) {
    clamped(i, 0);
    if (w > 1) clamped(i, w - 1);
  }
  for (int j = 1; j < w - 1; ++j)
    for (int i = 1; i < h - 1; ++i)
      out[i * w + j] = 0.2f * (in[i * w + j] + in[(i - 1) * w + j] + in[(i + 1) * w + j] +
                               in[i * w + j - 1] + in[i * w + j + 1]);
}
