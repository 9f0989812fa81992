//! summary: i-k-j loop order: the inner loop walks rows of b and c
//! role: good
//! bound: compute
//! diagnosis: the inner loop vectorises, but each loaded element of b feeds one FMA, and the rows of b are read again from L2 for every row of c
//! trigger: "stride of n floats" !"i-k-j loop order" !"transposed copy of b"
//! trigger: "Order loops for unit stride" !"i-k-j loop order" !"transposed copy of b"
KEVOLVE_TUNE(matmul, "")
void matmul(const float* a, const float* b, float* c, int n) {
  // i-k-j loop order: the inner loop walks rows of b and c
  for (int i = 0; i < n; ++i) {
    float* row = c + i * n;
    for (int j = 0; j < n; ++j) row[j] = 0.0f;
    for (int k = 0; k < n; ++k) {
      const float aik = a[i * n + k];
      const float* brow = b + k * n;
      for (int j = 0; j < n; ++j) row[j] += aik * brow[j];
    }
  }
}
