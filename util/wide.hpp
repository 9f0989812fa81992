#pragma once

// 128-bit integers (a GCC and Clang extension) for exact intermediate arithmetic.

namespace kevolve::util {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

}  // namespace kevolve::util
