#include "units.hpp"

int plain_one() { return 1; }
