//! summary: 8 x 8 tiles of the grid, so that each tile's rows stay in L1
//! role: bad
//! bound: memory
//! diagnosis: the tile loops cost more than they save, and the clamped indices in the inner loop keep it from vectorising
//! trigger: "Block loops so the working set fits in cache" !"row order" !"tiles of the grid"
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // 8 x 8 tiles of the grid, so that each tile's rows stay in L1
  for (int i0 = 0; i0 < h; i0 += 8)
    for (int j0 = 0; j0 < w; j0 += 8)
      for (int j = j0; j < j0 + 8 && j < w; ++j)
        for (int i = i0; i < i0 + 8 && i < h; ++i) {
          const int up = i > 0 ? i - 1 : 0, down = i < h - 1 ? i + 1 : h - 1;
          const int left = j > 0 ? j - 1 : 0, right = j < w - 1 ? j + 1 : w - 1;
          out[i * w + j] = 0.2f * (in[i * w + j] + in[up * w + j] + in[down * w + j] +
                                   in[i * w + left] + in[i * w + right]);
        }
}
