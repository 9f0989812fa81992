#include "scale.hpp"

int main() {
  report();
  return 0;
}
