#pragma once

// A Gaussian process regression model (Rasmussen & Williams 2006, ch. 2 and 5): the surrogate
// of the `bayes` strategy. Inputs are points of the unit cube, one coordinate per parameter;
// the kernel is Matérn 5/2 with one length scale per coordinate (ARD), fitted with the noise by
// maximising the marginal likelihood times a log-normal prior on the length scales (maximum a
// posteriori), so that parameters the time does not depend on stop mattering while a few
// points cannot drive a length scale to an extreme. Targets are standardised inside;
// predictions are in the targets' units.

#include <Eigen/Dense>
#include <cstddef>
#include <span>
#include <vector>

namespace kevolve::search {

class GaussianProcess {
 public:
  // Row i: a point, its coordinates contiguous.
  using Points = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  explicit GaussianProcess(std::size_t dims);

  // Conditions the model on `inputs` (row i: a point) and their `targets`. With `refit`, the
  // length scales and noise are fitted again first, starting from the last ones.
  void fit(const Points& inputs, const Eigen::VectorXd& targets, bool refit);

  struct Prediction {
    double mean = 0;
    double sd = 1;
  };
  Prediction predict(std::span<const double> point) const;
  // The same for many points at once (row i: a point), with matrix products: faster than one
  // at a time.
  std::vector<Prediction> predict(const Points& points) const;
  // The lowest target it was fitted to.
  double lowest() const { return m_lowest; }

  std::span<const double> length_scales() const { return {m_length.data(), m_length.size()}; }
  std::size_t dimensions() const { return m_dims; }

 private:
  // Matérn 5/2 between two points already divided by the length scales.
  double kernel(const double* a, const double* b) const;
  // The log marginal likelihood of the standardised targets plus the log prior of the length
  // scales (up to a constant), and its gradient in
  // (log length scales, log noise) when `gradient` is not null.
  double log_posterior(Eigen::VectorXd* gradient) const;
  void optimise();

  std::size_t m_dims;
  std::vector<double> m_length;  // per coordinate
  double m_noise = 1e-2;         // variance, relative to the signal's (1)
  Points m_inputs;               // n x dims
  Points m_scaled;               // m_inputs divided by the length scales, for the kernel
  Eigen::VectorXd m_targets;     // standardised: (target - shift) / scale
  double m_shift = 0, m_scale = 1;
  Eigen::LLT<Eigen::MatrixXd> m_cholesky;
  Eigen::VectorXd m_alpha;  // K^-1 targets
  double m_lowest = 0;
};

// How much lower than `lowest` the prediction is expected to fall (Jones et al. 1998): the
// expected improvement, for minimisation.
double expected_improvement(const GaussianProcess::Prediction& p, double lowest);

}  // namespace kevolve::search
