#include <kevolve/kevolve.hpp>

#include "scale.hpp"

KEVOLVE_TUNE(scale, "K: 1, 2, 3, 4")
int scale(int x) { return x * KEVOLVE_PARAM(scale, K, 2) + SCALE_OFFSET; }

int unscaled(int x) { return x; }
