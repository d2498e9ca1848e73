// Network construction: layout, pulse placement and the modified Glorot initialisation.
#include <gtest/gtest.h>

#include <cmath>

#include "spikeae/network.h"

namespace spikeae {
namespace {

TEST(MakeNetwork, DrawsRegularAndPulseWeightsWithTheirOwnMeans) {
  const Network net = make_network({{300, 40, 300}, 8, {}}, {}, {-3.0, 5.0}, 7);
  for (int c = 0; c < 2; ++c) {
    const double sigma = std::sqrt(2.0 / (net.fan_in(c) + net.n_post(c)));
    double regular = 0.0, pulse = 0.0;
    for (int pre = 0; pre < net.fan_in(c); ++pre) {
      for (int post = 0; post < net.n_post(c); ++post) {
        (pre < net.n_pre(c) ? regular : pulse) += net.weight(c, pre, post);
      }
    }
    regular /= net.n_pre(c) * net.n_post(c);
    pulse /= net.n_pulses() * net.n_post(c);
    EXPECT_NEAR(regular / sigma, -3.0, 0.1) << "connection " << c;
    EXPECT_NEAR(pulse / sigma, 5.0, 0.2) << "connection " << c;
  }
}

TEST(MakeNetwork, PlacesPulsesEvenlyAndCountsParameters) {
  const Network net = make_network({{784, 32, 784}, 4, {}}, {}, {}, 1);
  EXPECT_EQ(net.pulses[0], (std::vector<double>{0.2, 0.4, 0.6, 0.8}));
  EXPECT_EQ(net.pulses[1], net.pulses[0]);
  // (i+p)*h + (h+p)*o + 2*p, docs/model.md section 2.
  EXPECT_EQ(net.parameter_count(), std::size_t((784 + 4) * 32 + (32 + 4) * 784 + 2 * 4));
  EXPECT_EQ(net.weights[1].size(), std::size_t(36 * 784));
}

TEST(MakeNetwork, SameSeedSameWeights) {
  const Architecture arch{{20, 5, 20}, 2, {}};
  EXPECT_EQ(make_network(arch, {}, {}, 3), make_network(arch, {}, {}, 3));
  EXPECT_NE(make_network(arch, {}, {}, 3), make_network(arch, {}, {}, 4));
}

}  // namespace
}  // namespace spikeae
