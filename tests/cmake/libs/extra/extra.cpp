#include "extra.hpp"

float extra_scale(float x) { return 0.5f * x; }
