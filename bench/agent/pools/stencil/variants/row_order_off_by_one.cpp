//! summary: row order with the edges handled by starting the interior at 1 and stopping at w
//! role: broken
//! bound: memory
//! diagnosis: (wrong result)
//! trigger: "row order" "clamped indices"
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // row order with the edges handled by starting the interior at 1 and stopping at w
  for (int j = 0; j < w; ++j) {
    out[j] = in[j];
    out[(h - 1) * w + j] = in[(h - 1) * w + j];
  }
  for (int i = 1; i < h - 1; ++i) {
    out[i * w] = in[i * w];
    for (int j = 1; j < w - 1; ++j)
      out[i * w + j] = 0.2f * (in[i * w + j] + in[(i - 1) * w + j] + in[(i + 1) * w + j] +
                               in[i * w + j - 1] + in[i * w + j + 1]);
    out[i * w + w - 1] = in[i * w + w - 1];
  }
}
