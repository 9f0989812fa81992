#include "stencil.hpp"

float weight(int k) { return k == 0 ? 0.5f : 0.25f; }
