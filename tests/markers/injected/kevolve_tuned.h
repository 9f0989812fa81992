// What kevolve_tune() generates from a knowledge directory (here written by hand).
#pragma once
#define KEVOLVE_TUNED_sample_BLOCK ~, 128
#define KEVOLVE_TUNED_sample_ITEMS ~, 4
#define KEVOLVE_TUNED_sample_T ~, double
#define KEVOLVE_TUNED_member_UNROLL ~, 8
#define KEVOLVE_TUNED_saxpy_BLOCK ~, 512
#define tile_size 7
