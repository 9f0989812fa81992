#include "units.hpp"

int main() {
  show_alpha();
  beta(nullptr, nullptr, 0);
  return plain_one() + plain_two() == 3 ? 0 : 1;
}
