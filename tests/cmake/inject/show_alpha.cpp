#include "units.hpp"

#include <kevolve/kevolve.hpp>

#include <cstdio>

void show_alpha() { std::printf("A=%d\n", KEVOLVE_PARAM(alpha, A, 1)); }
