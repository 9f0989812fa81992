// A stand-in for libcuda.so.1 with the driver-API entry points kevolve's detection uses,
// answering like one H100. FAKE_CUDA_INIT_ERROR and FAKE_CUDA_DEVICES change its answers.

#include <cstdlib>
#include <cstring>

namespace {
int env(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}
}  // namespace

extern "C" {

int cuInit(unsigned int) { return env("FAKE_CUDA_INIT_ERROR", 0); }
int cuDriverGetVersion(int* v) {
  *v = 13000;
  return 0;
}
int cuDeviceGetCount(int* n) {
  *n = env("FAKE_CUDA_DEVICES", 1);
  return 0;
}
int cuDeviceGet(int* d, int ordinal) {
  *d = ordinal;
  return 0;
}
int cuDeviceGetName(char* name, int len, int) {
  std::strncpy(name, "NVIDIA H100 80GB HBM3", static_cast<std::size_t>(len));
  return 0;
}
int cuDeviceGetAttribute(int* value, int attribute, int) {
  switch (attribute) {
    case 1:
      *value = 1024;
      break;  // max threads per block
    case 8:
      *value = 49152;
      break;  // shared memory per block
    case 10:
      *value = 32;
      break;  // warp
    case 16:
      *value = 132;
      break;  // SMs
    case 38:
      *value = 52428800;
      break;  // L2
    case 75:
      *value = 9;
      break;
    case 76:
      *value = 0;
      break;
    case 97:
      *value = 232448;
      break;  // opt-in shared memory
    default:
      *value = 0;
      break;
  }
  return 0;
}
int cuDeviceTotalMem_v2(std::size_t* bytes, int) {
  *bytes = 85520809984ull;
  return 0;
}
int cuGetErrorName(int error, const char** name) {
  *name = error == 100 ? "CUDA_ERROR_NO_DEVICE" : "CUDA_ERROR_UNKNOWN";
  return 0;
}
}
