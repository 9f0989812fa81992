#include "kernel.hpp"

float factor() { return 2.0f; }
