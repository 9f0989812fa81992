#include "kernel.hpp"

int main() {
  float in[4] = {1, 2, 3, 4}, out[4];
  twice(in, out, 4);
  return out[3] == 8.0f ? 0 : 1;
}
