//! summary: row order, edges peeled, and __restrict row pointers, so that the interior vectorises without an alias check
//! role: good
//! bound: memory
//! diagnosis: the interior vectorises with no alias check; one read and one write stream per row
//! trigger: "may alias" "row order"
//! trigger: "may alias" "edges peeled"
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // row order, edges peeled, and __restrict row pointers, so that the interior vectorises without an alias check
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
    const float* __restrict above = in + (i - 1) * w;
    const float* __restrict row = in + i * w;
    const float* __restrict below = in + (i + 1) * w;
    float* __restrict target = out + i * w;
    for (int j = 1; j < w - 1; ++j)
      target[j] = 0.2f * (row[j] + above[j] + below[j] + row[j - 1] + row[j + 1]);
    if (w > 1) clamped(i, w - 1);
  }
}
