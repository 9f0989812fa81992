#include "units.hpp"

int main() {
  report();
  return 0;
}
