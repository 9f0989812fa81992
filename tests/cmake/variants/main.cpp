#include <cstdio>

#include "scale.hpp"

int main() {
  std::printf("scale(1)=%d unscaled(1)=%d\n", scale(1), unscaled(1));
  return 0;
}
