#include "stencil.hpp"

int main() {
  report();
  return 0;
}
