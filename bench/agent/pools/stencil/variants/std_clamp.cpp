//! summary: row order with std::clamp for the neighbours' indices
//! role: broken
//! bound: memory
//! diagnosis: (did not compile)
//! trigger: "walks down a column" "clamped indices" !"row order"
KEVOLVE_TUNE(stencil, "")
void stencil(const float* in, float* out, int h, int w) {
  // row order with std::clamp for the neighbours' indices
  for (int i = 0; i < h; ++i)
    for (int j = 0; j < w; ++j)
      out[i * w + j] = 0.2f * (in[i * w + j] + in[std::clamp(i - 1, 0, h - 1) * w + j] +
                               in[std::clamp(i + 1, 0, h - 1) * w + j] +
                               in[i * w + std::clamp(j - 1, 0, w - 1)] +
                               in[i * w + std::clamp(j + 1, 0, w - 1)]);
}
