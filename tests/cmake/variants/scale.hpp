#pragma once
int scale(int x);
int unscaled(int x);
