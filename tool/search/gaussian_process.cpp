#include "tool/search/gaussian_process.hpp"

#include <algorithm>
#include <cmath>

namespace kevolve::search {

namespace {

constexpr double k_sqrt5 = 2.23606797749979;
constexpr double k_jitter = 1e-6;
// Bounds of the fitted values: a length scale far below the spacing of a parameter's values
// or far beyond the cube says nothing more.
constexpr double k_min_length = 0.05, k_max_length = 20;
constexpr double k_min_noise = 1e-4, k_max_noise = 1;
// A log-normal prior on each length scale, centred on the width of the cube. With a few dozen
// points the likelihood alone drives length scales to their bounds: to the upper one, as if the
// parameter did not matter (a fifth of them at 40 to 50 results on the A100 convolution space,
// against 0.4% with the prior), so that the search stops varying it; or, with fewer points, to
// the lower one, every point unrelated to its neighbours. One unit of log either way is the
// prior's spread.
constexpr double k_length_prior_mean = 0;  // log 1
constexpr double k_length_prior_sd = 1;

}  // namespace

GaussianProcess::GaussianProcess(std::size_t dims) : m_dims(dims), m_length(dims, 0.5) {}

double GaussianProcess::kernel(const double* a, const double* b) const {
  double r2 = 0;
  for (std::size_t d = 0; d < m_dims; ++d) {
    const double z = a[d] - b[d];
    r2 += z * z;
  }
  const double s = k_sqrt5 * std::sqrt(r2);
  return (1 + s + s * s / 3) * std::exp(-s);
}

double GaussianProcess::log_posterior(Eigen::VectorXd* gradient) const {
  const Eigen::Index n = m_inputs.rows();
  const Points& x = m_inputs;
  // Per pair, √5 r and exp(-√5 r): the kernel and every derivative need them.
  Eigen::MatrixXd k(n, n), decay(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      double r2 = 0;
      for (std::size_t d = 0; d < m_dims; ++d) {
        const double z = (x(i, d) - x(j, d)) / m_length[d];
        r2 += z * z;
      }
      const double s = k_sqrt5 * std::sqrt(r2), e = std::exp(-s);
      k(i, j) = k(j, i) = (1 + s + s * s / 3) * e;
      decay(i, j) = (5.0 / 3.0) * (1 + s) * e;
    }
    k(i, i) = 1 + m_noise + k_jitter;
  }
  Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) return -1e300;
  const Eigen::VectorXd alpha = llt.solve(m_targets);
  double value = -0.5 * m_targets.dot(alpha) - llt.matrixLLT().diagonal().array().log().sum();
  for (std::size_t d = 0; d < m_dims; ++d)
    value -= 0.5 * std::pow((std::log(m_length[d]) - k_length_prior_mean) / k_length_prior_sd, 2);
  if (!gradient) return value;

  // d/dθ = tr((α αᵀ - K⁻¹) dK/dθ) / 2. For the length scale of coordinate d, Matérn 5/2 gives
  // dk/dlog(l_d) = 5/3 (1 + √5 r) exp(-√5 r) (Δ_d / l_d)²; for the noise, dK = noise · I.
  Eigen::MatrixXd inverse = Eigen::MatrixXd::Identity(n, n);
  llt.solveInPlace(inverse);
  gradient->setZero(static_cast<Eigen::Index>(m_dims) + 1);
  double trace = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    trace += alpha(i) * alpha(i) - inverse(i, i);
    for (Eigen::Index j = 0; j < i; ++j) {
      // Both triangles: twice the half.
      const double common = (alpha(i) * alpha(j) - inverse(i, j)) * decay(i, j);
      for (std::size_t d = 0; d < m_dims; ++d) {
        const double z = (x(i, d) - x(j, d)) / m_length[d];
        (*gradient)(static_cast<Eigen::Index>(d)) += common * z * z;
      }
    }
  }
  for (std::size_t d = 0; d < m_dims; ++d) {
    (*gradient)(static_cast<Eigen::Index>(d)) -=
        (std::log(m_length[d]) - k_length_prior_mean) / (k_length_prior_sd * k_length_prior_sd);
  }
  (*gradient)(static_cast<Eigen::Index>(m_dims)) = 0.5 * m_noise * trace;
  return value;
}

void GaussianProcess::optimise() {
  // Adam on (log length scales, log noise), from the last fit: a few steps per refit suffice
  // when the data grows a little at a time.
  const std::size_t p = m_dims + 1;
  std::vector<double> theta(p), m(p, 0), v(p, 0), best_theta;
  for (std::size_t d = 0; d < m_dims; ++d) theta[d] = std::log(m_length[d]);
  theta[m_dims] = std::log(m_noise);
  auto apply = [&](const std::vector<double>& t) {
    for (std::size_t d = 0; d < m_dims; ++d)
      m_length[d] = std::clamp(std::exp(t[d]), k_min_length, k_max_length);
    m_noise = std::clamp(std::exp(t[m_dims]), k_min_noise, k_max_noise);
  };
  constexpr int k_steps = 25;
  constexpr double k_rate = 0.1, k_beta1 = 0.9, k_beta2 = 0.999;
  double best = -1e300;
  Eigen::VectorXd g;
  for (int step = 1; step <= k_steps; ++step) {
    apply(theta);
    const double value = log_posterior(&g);
    if (value > best) {
      best = value;
      best_theta = theta;
    }
    for (std::size_t i = 0; i < p; ++i) {
      const double gi = g(static_cast<Eigen::Index>(i));  // ascent
      m[i] = k_beta1 * m[i] + (1 - k_beta1) * gi;
      v[i] = k_beta2 * v[i] + (1 - k_beta2) * gi * gi;
      const double mh = m[i] / (1 - std::pow(k_beta1, step));
      const double vh = v[i] / (1 - std::pow(k_beta2, step));
      theta[i] += k_rate * mh / (std::sqrt(vh) + 1e-8);
    }
    for (std::size_t d = 0; d < m_dims; ++d)
      theta[d] = std::clamp(theta[d], std::log(k_min_length), std::log(k_max_length));
    theta[m_dims] = std::clamp(theta[m_dims], std::log(k_min_noise), std::log(k_max_noise));
  }
  apply(theta);
  if (log_posterior(nullptr) < best) apply(best_theta);
}

void GaussianProcess::fit(const Points& inputs, const Eigen::VectorXd& targets, bool refit) {
  m_inputs = inputs;
  const Eigen::Index n = targets.size();
  m_shift = n ? targets.mean() : 0;
  const double variance = n > 1 ? (targets.array() - m_shift).square().sum() / double(n) : 0;
  m_scale = variance > 1e-24 ? std::sqrt(variance) : 1;
  m_targets = (targets.array() - m_shift) / m_scale;
  m_lowest = n ? targets.minCoeff() : 0;
  if (refit && n > 1) optimise();
  m_scaled = m_inputs;
  for (std::size_t d = 0; d < m_dims; ++d)
    m_scaled.col(static_cast<Eigen::Index>(d)) /= m_length[d];
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j)
      k(i, j) = k(j, i) = kernel(&m_scaled(i, 0), &m_scaled(j, 0));
    k(i, i) += m_noise + k_jitter;
  }
  m_cholesky.compute(k);
  m_alpha = m_cholesky.solve(m_targets);
}

GaussianProcess::Prediction GaussianProcess::predict(std::span<const double> point) const {
  Points one(1, static_cast<Eigen::Index>(m_dims));
  for (std::size_t d = 0; d < m_dims; ++d) one(0, static_cast<Eigen::Index>(d)) = point[d];
  return predict(one).front();
}

std::vector<GaussianProcess::Prediction> GaussianProcess::predict(const Points& points) const {
  const Eigen::Index n = m_inputs.rows(), m = points.rows();
  // Eigen's triangular solve binds a reference to the data of an empty matrix (null).
  if (m == 0) return {};
  if (n == 0) return std::vector<Prediction>(static_cast<std::size_t>(m), {m_shift, m_scale});
  // Column j: the kernel between point j and every input.
  Eigen::MatrixXd k(n, m);
  std::vector<double> scaled(m_dims);
  for (Eigen::Index j = 0; j < m; ++j) {
    for (std::size_t d = 0; d < m_dims; ++d)
      scaled[d] = points(j, static_cast<Eigen::Index>(d)) / m_length[d];
    for (Eigen::Index i = 0; i < n; ++i) k(i, j) = kernel(&m_scaled(i, 0), scaled.data());
  }
  const Eigen::VectorXd mean = k.transpose() * m_alpha;
  m_cholesky.matrixL().solveInPlace(k);  // now L^-1 k: its squared norm is the explained variance
  std::vector<Prediction> out(static_cast<std::size_t>(m));
  for (Eigen::Index j = 0; j < m; ++j) {
    const double variance = std::max(1.0 - k.col(j).squaredNorm(), 1e-12);
    out[static_cast<std::size_t>(j)] = {m_shift + m_scale * mean(j), m_scale * std::sqrt(variance)};
  }
  return out;
}

double expected_improvement(const GaussianProcess::Prediction& p, double lowest) {
  const double gap = lowest - p.mean;
  const double z = gap / p.sd;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  return gap * cdf + p.sd * pdf;
}

}  // namespace kevolve::search
