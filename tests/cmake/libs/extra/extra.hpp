#pragma once
float extra_scale(float x);
