#include "tool/search/gaussian_process.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace kevolve::search;

namespace {

// Points on a grid of the unit square; the target depends on the first coordinate only.
struct Data {
  GaussianProcess::Points x;
  Eigen::VectorXd y;
};

double target(double a) { return std::sin(4 * a) + 2 * a; }

Data grid(int side) {
  Data d{GaussianProcess::Points(side * side, 2), Eigen::VectorXd(side * side)};
  for (int i = 0; i < side; ++i) {
    for (int j = 0; j < side; ++j) {
      const int row = i * side + j;
      d.x(row, 0) = i / double(side - 1);
      d.x(row, 1) = j / double(side - 1);
      d.y(row) = target(d.x(row, 0));
    }
  }
  return d;
}

}  // namespace

TEST_CASE("gaussian process: interpolates a smooth function between its points", "[search]") {
  Data d = grid(6);
  GaussianProcess gp(2);
  gp.fit(d.x, d.y, /*refit=*/true);
  for (double a : {0.1, 0.33, 0.5, 0.77, 0.9}) {
    INFO("a = " << a);
    std::vector<double> p = {a, 0.45};
    CHECK(gp.predict(p).mean == Approx(target(a)).margin(0.1));
  }
  CHECK(gp.lowest() == Approx(d.y.minCoeff()));
  // Sure where it has seen the data, unsure far from it.
  std::vector<double> seen = {0.4, 0.4}, far = {4.0, 4.0};
  CHECK(gp.predict(seen).sd < 0.05);
  CHECK(gp.predict(far).sd > 0.5);
}

TEST_CASE("gaussian process: no points to predict, no predictions", "[search]") {
  // UBSan found Eigen binding a reference to an empty matrix's null data here.
  Data d = grid(3);
  GaussianProcess gp(2);
  CHECK(gp.predict(GaussianProcess::Points(0, 2)).empty());
  gp.fit(d.x, d.y, /*refit=*/false);
  CHECK(gp.predict(GaussianProcess::Points(0, 2)).empty());
}

TEST_CASE("gaussian process: many points at once predict as one at a time", "[search]") {
  Data d = grid(5);
  GaussianProcess gp(2);
  gp.fit(d.x, d.y, /*refit=*/true);
  GaussianProcess::Points queries(4, 2);
  queries << 0.1, 0.2, 0.5, 0.5, 0.93, 0.07, 3.0, -1.0;
  const std::vector<GaussianProcess::Prediction> many = gp.predict(queries);
  REQUIRE(many.size() == 4);
  for (Eigen::Index i = 0; i < queries.rows(); ++i) {
    std::vector<double> one = {queries(i, 0), queries(i, 1)};
    CHECK(many[static_cast<std::size_t>(i)].mean == Approx(gp.predict(one).mean).epsilon(1e-12));
    CHECK(many[static_cast<std::size_t>(i)].sd == Approx(gp.predict(one).sd).epsilon(1e-12));
  }
  GaussianProcess empty(2);  // before any data: the prior
  CHECK(empty.predict(queries).size() == 4);
}

TEST_CASE("gaussian process: fitting lets a coordinate the data ignores stop mattering",
          "[search]") {
  Data d = grid(6);
  GaussianProcess gp(2);
  gp.fit(d.x, d.y, /*refit=*/false);
  CHECK(gp.length_scales()[0] == gp.length_scales()[1]);
  gp.fit(d.x, d.y, /*refit=*/true);  // maximum a posteriori: the ignored one grows
  CHECK(gp.length_scales()[1] > 2 * gp.length_scales()[0]);
}

TEST_CASE("gaussian process: with few points the prior keeps length scales off their bounds",
          "[search]") {
  // On 16 points the likelihood alone shrinks the length scale of the coordinate that matters
  // to its lower bound (0.05: every point unrelated to its neighbours); the prior keeps the
  // model smooth enough to say something between them.
  Data d = grid(4);
  GaussianProcess gp(2);
  for (int i = 0; i < 8; ++i) gp.fit(d.x, d.y, /*refit=*/true);
  INFO("length scales " << gp.length_scales()[0] << ", " << gp.length_scales()[1]);
  CHECK(gp.length_scales()[0] > 0.2);
  CHECK(gp.length_scales()[1] > 2 * gp.length_scales()[0]);
}

TEST_CASE("gaussian process: expected improvement", "[search]") {
  using P = GaussianProcess::Prediction;
  // Certain: the improvement itself, or none.
  CHECK(expected_improvement(P{1.0, 1e-9}, 3.0) == Approx(2.0));
  CHECK(expected_improvement(P{3.0, 1e-9}, 1.0) == Approx(0.0).margin(1e-12));
  // At the lowest value, sd / sqrt(2 pi).
  CHECK(expected_improvement(P{1.0, 2.0}, 1.0) == Approx(2.0 / std::sqrt(2 * M_PI)));
  // Lower means and wider spreads both promise more.
  CHECK(expected_improvement(P{0.5, 1.0}, 1.0) > expected_improvement(P{0.8, 1.0}, 1.0));
  CHECK(expected_improvement(P{2.0, 2.0}, 1.0) > expected_improvement(P{2.0, 0.5}, 1.0));
}
