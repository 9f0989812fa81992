// A unit nobody wrote a harness for.
#include <kevolve/kevolve.hpp>

#include "faults.hpp"

KEVOLVE_TUNE(lonely, "K: 1, 2, 3")
int lonely(int x) { return x * KEVOLVE_PARAM(lonely, K, 1); }
