#include <kevolve/kevolve.hpp>

#include <cstdio>

template <int BLOCK = KEVOLVE_PARAM(consumer, BLOCK, 64)>
KEVOLVE_TUNE(consumer, "BLOCK: 16..256 pow2")
int block_size() {
  return BLOCK;
}

int main() {
  std::printf("BLOCK=%d\n", block_size());
  return block_size() == 64 ? 0 : 1;
}
