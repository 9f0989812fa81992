#include "units.hpp"

#include <kevolve/kevolve.hpp>  // the markers' header, but no unit

int plain_two() { return 2; }
